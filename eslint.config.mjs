import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  { ignores: ["dist/**", "resources/**", "node_modules/**", ".node-red/**", "coverage/**", "test-artifacts/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": ["error", { allow: ["warn", "error"] }]
    }
  },
  {
    files: ["scripts/**/*.ts", "bench/**/*.ts", "src/simulator/cli.ts"],
    rules: { "no-console": "off" }
  },
  {
    files: ["**/*.js", "**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { ...globals.node } },
    rules: { "@typescript-eslint/no-require-imports": "off" }
  },
  {
    files: ["nodes/**/*.js"],
    languageOptions: { globals: { ...globals.node } }
  }
);
