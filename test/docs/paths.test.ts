/**
 * The documents name files of the repository: each one must exist, so that a rename or a removal cannot leave the
 * README, ARCHITECTURE.md or CONTRIBUTING.md pointing at nothing.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../support/nodeRedProcess";

// Not CHANGELOG.md: a history may name files that are gone.
const DOCUMENTS = ["README.md", "ARCHITECTURE.md", "CONTRIBUTING.md"];

/** The first folders of the repository: a `code span` that starts with one of them is a path. */
const TOP_FOLDERS = ["src", "test", "nodes", "scripts", "bench", "bin", "examples", "resources", ".ci"];
const TOP_FILES =
  /^(README|ARCHITECTURE|CONTRIBUTING|CHANGELOG|LICENSE)(\.md)?$|^(package\.json|tsconfig\.json|eslint\.config\.mjs|\.prettierrc\.json|\.mocharc\.json)$/;

/** Paths the documents name on purpose although git does not hold them. */
const NOT_IN_GIT: Record<string, string> = {
  "bench/results.json": "written by npm run bench",
};

/** Repository paths named in a Markdown document: in `code spans` and as relative link targets. */
export function repositoryPaths(markdown: string): string[] {
  const candidates = [
    ...[...markdown.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]),
    ...[...markdown.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)]
      .map((m) => m[1])
      .filter((target) => !/^[a-z]+:/.test(target)),
  ];
  const paths = candidates
    .map((path) => path.replace(/[.,:;]+$/, ""))
    .filter((path) => !/[<>*{}$…]/.test(path))
    .filter((path) => TOP_FOLDERS.some((folder) => path.startsWith(`${folder}/`)) || TOP_FILES.test(path));
  return [...new Set(paths)];
}

describe("paths named in the documents exist", () => {
  it("finds the paths of a document: code spans and relative links, not URLs, globs or placeholders", () => {
    const found = repositoryPaths(
      "See `src/core/errors.ts`, [the guide](CONTRIBUTING.md), [site](https://example.org/src/x.ts), `nodes/locales/*/x.json`, `<userDir>/fla-outbox/`, `msg.fla`, `src/core/`.",
    );
    assert.deepEqual(found, ["src/core/errors.ts", "src/core/", "CONTRIBUTING.md"]);
  });

  for (const document of DOCUMENTS) {
    it(`every repository path in ${document} exists`, () => {
      const paths = repositoryPaths(readFileSync(join(PROJECT_ROOT, document), "utf8"));
      assert.ok(paths.length > 0, `no path found in ${document}: is the pattern still right?`);
      const missing = paths.filter((path) => !(path in NOT_IN_GIT) && !existsSync(join(PROJECT_ROOT, path)));
      assert.deepEqual(missing, [], `${document} names files that do not exist`);
    });
  }
});
