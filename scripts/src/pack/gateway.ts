/**
 * `npm run pack:gateway`: the gateway's release tarball, what
 * scripts/install-gateway.sh installs on a Pi. Compiled JavaScript only (a
 * Pi runs out of memory compiling TypeScript): shared/ and gateway/ dist with
 * their package.json, the production dependencies copied from this
 * checkout's node_modules, the service unit and the installer.
 *
 *   node scripts/dist/pack/gateway.js [--out DIR]
 *
 * Native modules (better-sqlite3, the serial port bindings) are built for
 * this machine; BUILD-INFO records its platform, arch and Node ABI, and the
 * installer rebuilds them when the target differs.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../process/service.js';

interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as PackageJson;

/** The directory node would load `name` from when required from `fromDir` (walking up to the repo root). */
export function resolvePackageDir(name: string, fromDir: string, root = repoRoot): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (resolve(dir) === resolve(root) || dirname(dir) === dir) return undefined;
    dir = dirname(dir);
  }
}

/** Every package directory the production dependencies of `startDirs` need (repo-relative), the closure. */
export function productionClosure(startDirs: readonly string[], root = repoRoot): string[] {
  const seen = new Set<string>();
  const visit = (pkgDir: string) => {
    const pkg = readJson(join(pkgDir, 'package.json'));
    const deps = { ...pkg.dependencies, ...pkg.optionalDependencies };
    for (const name of Object.keys(deps)) {
      const found = resolvePackageDir(name, pkgDir, root);
      if (!found) {
        if (pkg.optionalDependencies?.[name]) continue;
        throw new Error(`${pkg.name} needs ${name}, which is not installed: run npm ci first`);
      }
      const rel = relative(root, found);
      if (seen.has(rel)) continue;
      seen.add(rel);
      // Workspace packages are symlinks: their own dependencies count, their folders are copied separately.
      if (!lstatSync(found).isSymbolicLink()) visit(found);
      else visit(resolve(dirname(found), readlinkSync(found)));
    }
  };
  for (const dir of startDirs) visit(join(root, dir));
  return [...seen].sort();
}

/** Leaves out tests and the intermediate files of native builds (only the built `.node` files are needed). */
export function keepInRelease(file: string): boolean {
  if (/[/\\](test|tests|\.github|obj\.target|\.deps)$/.test(file)) return false;
  const build = /[/\\]build[/\\](Release|Debug)[/\\](.+)$/.exec(file);
  return !build || !/\.[a-z0-9]+$/i.test(build[2]!) || file.endsWith('.node');
}

export interface PackResult {
  file: string;
  version: string;
  packages: number;
}

export function packGateway(outDir: string, root = repoRoot): PackResult {
  const gatewayPkg = readJson(join(root, 'gateway', 'package.json'));
  const version = gatewayPkg.version;
  for (const ws of ['shared', 'gateway']) {
    if (!existsSync(join(root, ws, 'dist'))) throw new Error(`${ws}/dist is missing: run \`npx tsc -b\` first`);
  }
  const stageRoot = mkdtempSync(join(tmpdir(), 'solarhub-pack-'));
  const top = 'solarhub-gateway';
  const stage = join(stageRoot, top);
  try {
    mkdirSync(stage, { recursive: true });
    for (const ws of ['shared', 'gateway']) {
      cpSync(join(root, ws, 'package.json'), join(stage, ws, 'package.json'));
      cpSync(join(root, ws, 'dist'), join(stage, ws, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.map') && !src.endsWith('.tsbuildinfo') });
    }
    chmodSync(join(stage, 'gateway', 'dist', 'main.js'), 0o755);
    const closure = productionClosure(['gateway', 'shared'], root);
    for (const rel of closure) {
      const src = join(root, rel);
      const dest = join(stage, rel);
      mkdirSync(dirname(dest), { recursive: true });
      if (lstatSync(src).isSymbolicLink()) symlinkSync(readlinkSync(src), dest);
      else cpSync(src, dest, { recursive: true, verbatimSymlinks: true, filter: keepInRelease });
    }
    writeFileSync(
      join(stage, 'package.json'),
      `${JSON.stringify({ name: 'solarhub-gateway-release', version, private: true, type: 'module', workspaces: ['shared', 'gateway'] }, null, 2)}\n`,
    );
    mkdirSync(join(stage, 'systemd'));
    cpSync(join(root, 'systemd', 'solarhub-gateway.service'), join(stage, 'systemd', 'solarhub-gateway.service'));
    cpSync(join(root, 'scripts', 'install-gateway.sh'), join(stage, 'install-gateway.sh'));
    chmodSync(join(stage, 'install-gateway.sh'), 0o755);
    writeFileSync(
      join(stage, 'BUILD-INFO'),
      [`version=${version}`, `platform=${process.platform}`, `arch=${process.arch}`, `node_abi=${process.versions.modules}`, `node=${process.version}`, ''].join('\n'),
    );
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `solarhub-gateway-${version}-${process.platform}-${process.arch}.tar.gz`);
    execFileSync('tar', ['-czf', file, '--owner=0', '--group=0', '-C', stageRoot, top]);
    return { file, version, packages: closure.length };
  } finally {
    rmSync(stageRoot, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const { values } = parseArgs({ options: { out: { type: 'string', default: join(repoRoot, 'release') } } });
  const result = packGateway(resolve(values.out!));
  process.stdout.write(`${result.file} (version ${result.version}, ${result.packages} packages)\n`);
}
