/**
 * A browser page's script: `entry` and what it imports, bundled by esbuild in memory on first request and kept for
 * the life of the process, so `npm start` needs no build step. A failed build is tried again on the next request.
 */
export function pageBundle(entry: string): () => Promise<string> {
  let script: Promise<string> | undefined;
  return () => {
    script ??= import("esbuild")
      .then(({ build }) =>
        build({
          entryPoints: [entry],
          bundle: true,
          write: false,
          format: "esm",
          target: "es2022",
          charset: "utf8",
          minify: true,
          legalComments: "none",
          logLevel: "silent",
        }),
      )
      .then((result) => {
        const [output] = result.outputFiles;
        if (!output) throw new Error(`esbuild produced no script for ${entry}`);
        return output.text;
      });
    script.catch(() => {
      script = undefined;
    });
    return script;
  };
}
