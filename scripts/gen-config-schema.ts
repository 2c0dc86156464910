// Rewrites the `config:` section of Pulumi.yaml from components/config-schema.ts (npm run gen:schema).
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { projectConfigSchema } from "../components/project-schema";

const file = path.join(__dirname, "..", "Pulumi.yaml");
const document = parseDocument(fs.readFileSync(file, "utf8"));
document.set("config", projectConfigSchema());
fs.writeFileSync(file, document.toString({ lineWidth: 0 }));
console.log(`wrote ${Object.keys(projectConfigSchema()).length} config keys to ${file}`);
