import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { repoRoot } from '../process/service.js';

/**
 * Test support for tests that start a program many times (kill -9 loops):
 * bundles one entry point of our sources (the workspaces, not node_modules)
 * into one ES module, so that a start costs ~0.3 s instead of ~2 s through
 * tsx. Still the sources, not dist/: the "source" export condition picks the
 * workspace packages' src/. `import.meta.url` keeps pointing at each original
 * file, so data files found relative to it (SunSpec models, profiles) load as usual.
 */
const keepImportMetaUrl: Plugin = {
  name: 'keep-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      return { contents: source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: 'ts' };
    });
  },
};

/** Bare imports other than our workspace packages stay imports (native modules, big dependencies). */
const externalDependencies: Plugin = {
  name: 'external-dependencies',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@solarhub/') ? undefined : { path: args.path, external: true }));
  },
};

/** Returns the command that runs the bundle (node + file). */
export async function bundleProgram(workspace: 'gateway' | 'cloud', entry: string): Promise<string[]> {
  // Inside node_modules so that the bundle's bare imports resolve as the sources' do.
  const outfile = join(repoRoot, 'node_modules', '.cache', 'solarhub-test', `${workspace}-${entry}-${process.pid}.mjs`);
  await build({
    entryPoints: [join(repoRoot, workspace, 'src', `${entry}.ts`)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    conditions: ['source'],
    plugins: [keepImportMetaUrl, externalDependencies],
    logLevel: 'warning',
  });
  return [process.execPath, outfile];
}
