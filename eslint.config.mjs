import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/", "dist/", ".goship/", ".pulumi-state/", "app/"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            // Lazy loading of cloud SDKs (registry/index.ts, image/builder.ts) is deliberate.
            "@typescript-eslint/no-require-imports": "off",
            // Pulumi mocks hand back untyped property bags.
            "@typescript-eslint/no-explicit-any": ["error", { ignoreRestArgs: true }],
        },
    },
    {
        files: ["test/**/*.ts"],
        rules: { "@typescript-eslint/no-explicit-any": "off", "@typescript-eslint/no-non-null-assertion": "off" },
    },
);
