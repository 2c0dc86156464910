// Regenerates what derives from components/config/keys.ts (npm run gen:schema): the `config:` section of
// Pulumi.yaml and the configuration reference in README.md. A unit test fails when either is stale.
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { withConfigReference } from "../components/config/reference";
import { projectConfigSchema } from "../components/config/project-schema";

const root = path.join(__dirname, "..");
const pulumiYaml = path.join(root, "Pulumi.yaml");
const document = parseDocument(fs.readFileSync(pulumiYaml, "utf8"));
document.set("config", projectConfigSchema());
fs.writeFileSync(pulumiYaml, document.toString({ lineWidth: 0 }));

const readme = path.join(root, "README.md");
fs.writeFileSync(readme, withConfigReference(fs.readFileSync(readme, "utf8")));
console.log(`wrote ${Object.keys(projectConfigSchema()).length} declared keys to Pulumi.yaml and the reference to README.md`);
