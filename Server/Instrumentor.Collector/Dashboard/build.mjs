// Bundles src/ into dist/ (app.js, app.css, index.html), which the collector embeds and serves at /.
// Run by the collector's build (Dashboard.targets) after `npm ci`; `node build.mjs --watch` while editing.
import * as esbuild from "esbuild";
import { copyFile, mkdir, rm } from "node:fs/promises";

const watch = process.argv.includes("--watch");
await rm("dist", { recursive: true, force: true });
await mkdir("dist", { recursive: true });

const options = {
  entryPoints: { app: "src/main.ts" },
  bundle: true,
  format: "esm",
  // The graph (Cytoscape.js) and the charts (uPlot) load when first shown: the table paints without them.
  splitting: true,
  chunkNames: "[name]-[hash]",
  target: "es2022",
  minify: !watch,
  sourcemap: watch ? "inline" : false,
  legalComments: "external",
  outdir: "dist",
  logLevel: "warning",
};

await copyFile("src/index.html", "dist/index.html");
if (watch) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  await esbuild.build(options);
}
