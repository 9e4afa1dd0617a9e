// @ts-check
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/**", "bin/**", "out/**", ".venv/**", "**/*.js", "**/*.mjs"] },
    eslint.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
        },
    },
    {
        files: ["tests/**/*.ts", "bench/**/*.ts", "scripts/**/*.ts", "synth/**/*.ts"],
        rules: { "@typescript-eslint/no-explicit-any": "off" },
    },
);
