// esbuild plugin: the browser build fails on `node:*` and bare Node built-in specifiers (`crypto`, `fs`, …)
// anywhere in the bundle graph, naming the importing file.
import { isBuiltin } from "node:module";
import { relative } from "node:path";

export function noNodeBuiltins(root) {
  return {
    name: "no-node-builtins",
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.path.startsWith("node:") || isBuiltin(args.path)) {
          return { errors: [{ text: `Node built-in "${args.path}" imported by ${relative(root, args.importer)}: the browser build must not use Node APIs` }] };
        }
        return undefined;
      });
    },
  };
}
