import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CATALOG_ENV, catalogFiles, catalogLoadOptions, DEFAULT_CATALOG_FILE, fetchTrace, findCatalogEntry, loadCatalog, resolveCatalogTrace, useCatalogs } from '../../harness/traces/catalog.ts';
import { defaultCacheDir, mirrorDirs, rawUrl } from '../../harness/traces/fetch.ts';
import { loadCatalogTrace } from '../../harness/traces/load.ts';
import { traceStats } from '../../harness/traces/stats.ts';
import type { CatalogEntry } from '../../harness/traces/types.ts';
import { HAS_SHARED, SHARED } from '../helpers/paths.ts';
import { fixtureDir, inputIssue, sharedTitle } from './helpers.ts';

const { dir, write } = fixtureDir();
const sha = (b: string | Uint8Array) => createHash('sha256').update(b).digest('hex');
const COMMIT = 'a'.repeat(40);
const PENSIEVE = '0 1.5\n1 2.5\n';

/** A one-entry catalog file for a pensieve trace at `path` in `owner/repo` at {@link COMMIT}. */
function catalogWith(name: string, entry: Partial<CatalogEntry> = {}): string {
  const e: CatalogEntry = {
    id: 'fixture', repository: 'owner/repo', commit: COMMIT, path: 'dir with space/trace 1', sha256: sha(PENSIEVE),
    format: 'pensieve', licence: 'MIT', citation: 'test', description: 'test fixture', ...entry,
  };
  return write(name, JSON.stringify({ version: 1, traces: [e] }));
}

/** Files below a directory, recursively (empty when it does not exist). */
function filesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).map((p) => join(root, p)).filter((p) => statSync(p).isFile());
}

/** A fetch stand-in serving `body` and recording the URLs asked for. */
function fakeFetch(body: string, status = 200): { fn: typeof fetch; urls: string[] } {
  const urls: string[] = [];
  const fn = (async (url: string | URL | Request) => {
    urls.push(String(url));
    return new Response(body, { status });
  }) as typeof fetch;
  return { fn, urls };
}

afterEach(() => { vi.unstubAllEnvs(); });

describe('trace catalog file', () => {
  it('the shipped catalog validates, with the required sources and unique ids', () => {
    const entries = loadCatalog();
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
    const count = (re: RegExp) => entries.filter((e) => re.test(e.path!)).length;
    expect(entries.filter((e) => e.format === 'mahimahi' && e.uplinkPath).length).toBe(3);
    expect(count(/cooked_traces\/trace_/)).toBeGreaterThanOrEqual(2);
    for (const mode of ['bus', 'car', 'ferry', 'metro', 'train', 'tram']) expect(count(new RegExp(`norway_${mode}_`))).toBeGreaterThanOrEqual(1);
    expect(entries.some((e) => e.format === '5gophers' && /mmwave/i.test(e.id))).toBe(true);
    expect(entries.some((e) => e.format === '5gophers' && /4g|lte/i.test(e.id))).toBe(true);
    for (const e of entries) expect(e.licence && e.citation && e.description).toBeTruthy();
  });

  it('schema and cross-field problems are reported with JSON pointers', () => {
    const twice = write('twice.json', JSON.stringify({ version: 1, traces: [0, 1].map(() => JSON.parse(readFileSync(catalogWith('one.json'), 'utf8')).traces[0]) }));
    const dup = (() => { try { loadCatalog(twice); } catch (e) { return e as { issues: { pointer?: string; expected: string }[] }; } })();
    expect(dup?.issues).toEqual([expect.objectContaining({ pointer: '/traces/1/id', expected: 'a unique id' })]);

    const cases: [Partial<CatalogEntry>, string, RegExp][] = [
      [{ sha256: 'ABC' }, '/traces/0/sha256', /string matching/],
      [{ path: '../escape' }, '/traces/0/path', /without '\.' or '\.\.' segments/],
      [{ uplinkPath: 'x.up', uplinkSha256: sha('x') }, '/traces/0/uplinkPath', /only with format "mahimahi"/],
      [{ options: { windowMs: 1000 } }, '/traces/0/options/windowMs', /an option of format pensieve/],
      [{ format: 'mahimahi', options: { windowMs: 0 } }, '/traces/0/options/windowMs', /integer|>= 1/],
    ];
    cases.forEach(([entry, pointer, expected], k) => {
      let issues: { pointer?: string; expected: string }[] = [];
      try {
        loadCatalog(catalogWith(`bad${k}.json`, entry));
      } catch (e) {
        issues = (e as { issues: typeof issues }).issues;
      }
      expect(issues.find((i) => i.pointer === pointer)?.expected, `${JSON.stringify(entry)}`).toMatch(expected);
    });
  });

  it('catalog options become loader options; other keys of a 5gophers entry are row filters', () => {
    const e = { options: { carrier: 'VERIZON', run_num: 101, throughputColumn: 'x_mbps' } } as unknown as CatalogEntry;
    expect(catalogLoadOptions(e)).toEqual({ throughputColumn: 'x_mbps', select: { carrier: 'VERIZON', run_num: 101 } });
    expect(catalogLoadOptions({ options: { windowMs: 500 } } as unknown as CatalogEntry)).toEqual({ windowMs: 500 });
  });
});

describe('fetching', () => {
  it('defaults: mirror and cache from the environment', () => {
    vi.stubEnv('ORCHBENCH_TRACE_MIRROR', ['/m', '', '/n'].join(delimiter));
    vi.stubEnv('ORCHBENCH_CACHE', '/c');
    expect(mirrorDirs()).toEqual(['/m', '/n']);
    expect(mirrorDirs('/opt')).toEqual(['/opt']);
    expect(mirrorDirs(['/a', '/b'])).toEqual(['/a', '/b']);
    expect(defaultCacheDir()).toBe(join('/c', 'traces'));
    vi.stubEnv('ORCHBENCH_CACHE', '');
    expect(defaultCacheDir()).toMatch(/\.cache[/\\]orchbench[/\\]traces$/);
  });

  it('without a mirror copy, fetches the raw GitHub URL (path segments encoded), verifies and caches', async () => {
    const cacheDir = join(dir, 'cache-http');
    const { fn, urls } = fakeFetch(PENSIEVE);
    const catalogFile = catalogWith('http.json');
    const r = await fetchTrace('fixture', { catalogFile, cacheDir, mirror: join(dir, 'empty-mirror'), fetchFn: fn });
    expect(urls).toEqual([`https://raw.githubusercontent.com/owner/repo/${COMMIT}/dir%20with%20space/trace%201`]);
    expect(rawUrl('o/r', COMMIT, 'a b/c')).toBe(urls[0]!.replace('owner/repo', 'o/r').replace('dir%20with%20space/trace%201', 'a%20b/c'));
    expect(r.path).toBe(join(cacheDir, 'owner', 'repo', COMMIT, 'dir with space', 'trace 1'));
    expect(readFileSync(r.path, 'utf8')).toBe(PENSIEVE);
    expect(filesUnder(cacheDir)).toEqual([r.path]);

    // A cache hit needs no source at all.
    const offline = (async () => { throw new Error('offline'); }) as typeof fetch;
    expect((await resolveCatalogTrace('fixture', { catalogFile, cacheDir, mirror: join(dir, 'empty-mirror'), fetchFn: offline })).path).toBe(r.path);
    const trace = await loadCatalogTrace('fixture', undefined, { catalogFile, cacheDir, fetchFn: offline, uplinkFraction: 0.5 });
    expect(trace.source).toBe('catalog:fixture');
    expect(Array.from(trace.uplinkMbps)).toEqual([0.75, 1.25]);

    // A corrupted cache file is fetched again.
    writeFileSync(r.path, 'tampered');
    await resolveCatalogTrace('fixture', { catalogFile, cacheDir, fetchFn: fn });
    expect(readFileSync(r.path, 'utf8')).toBe(PENSIEVE);
  });

  it('a wrong sha256 is an error and nothing is cached', async () => {
    const cacheDir = join(dir, 'cache-wrong');
    const mirror = join(dir, 'mirror');
    const path = 'traces/t1';
    mkdirSync(join(mirror, 'owner', 'repo', COMMIT, 'traces'), { recursive: true });
    writeFileSync(join(mirror, 'owner', 'repo', COMMIT, path), PENSIEVE);
    const catalogFile = catalogWith('wrong.json', { path, sha256: sha('something else') });
    const i = await inputIssue(() => fetchTrace('fixture', { catalogFile, cacheDir, mirror }));
    expect(i.file).toBe(join(mirror, 'owner', 'repo', COMMIT, path));
    expect(i.expected).toBe(`sha256 ${sha('something else')} (from the catalog)`);
    expect(i.found).toBe(`sha256 ${sha(PENSIEVE)}`);
    expect(filesUnder(cacheDir)).toEqual([]);
    // The same file with the right hash is fetched from the mirror.
    const ok = await fetchTrace('fixture', { catalogFile: catalogWith('right.json', { path }), cacheDir, mirror });
    expect(filesUnder(cacheDir)).toEqual([ok.path]);
  });

  it('unreachable sources and unknown ids are input errors', async () => {
    const catalogFile = catalogWith('unreach.json');
    const opts = { catalogFile, cacheDir: join(dir, 'cache-x'), mirror: join(dir, 'none') };
    const offline = await inputIssue(() => fetchTrace('fixture', { ...opts, fetchFn: (async () => { throw new Error('getaddrinfo ENOTFOUND'); }) as typeof fetch }));
    expect(offline.expected).toMatch(/ORCHBENCH_TRACE_MIRROR/);
    expect(offline.found).toBe('getaddrinfo ENOTFOUND');
    expect((await inputIssue(() => fetchTrace('fixture', { ...opts, fetchFn: fakeFetch('', 404).fn }))).found).toBe('HTTP 404');
    expect((await inputIssue(() => fetchTrace('nope', opts))).expected).toMatch(/catalogued trace id \(one of fixture\)/);
    expect(filesUnder(opts.cacheDir)).toEqual([]);
  });
});

describe("the user's own catalogs and mirrors", () => {
  it('--catalog / $ORCHBENCH_TRACE_CATALOG add catalogs searched beside the shipped one', () => {
    vi.stubEnv(CATALOG_ENV, '');
    expect(catalogFiles()).toEqual([DEFAULT_CATALOG_FILE]);
    expect(findCatalogEntry('fixture')).toBeUndefined();
    const mine = catalogWith('mine.json');
    useCatalogs([mine]);
    expect(catalogFiles()).toEqual([mine, DEFAULT_CATALOG_FILE]);
    expect(findCatalogEntry('fixture')?.sha256).toBe(sha(PENSIEVE));
    // Shipped ids are still found.
    expect(findCatalogEntry(loadCatalog()[0]!.id)).toBeDefined();
  });

  it('an id two catalogs define differently is an error naming both', async () => {
    vi.stubEnv(CATALOG_ENV, '');
    const a = catalogWith('a.json');
    const b = catalogWith('b.json', { sha256: sha('other') });
    let caught: unknown;
    try { useCatalogs([a, b]); } catch (e) { caught = e; }
    const issue = (caught as { issues: { file: string; pointer?: string; found: string }[] }).issues[0]!;
    expect(issue).toMatchObject({ file: b, pointer: '/traces/0/id' });
    expect(issue.found).toContain(`${a}#/traces/0`);
  });

  it('an entry may name a local file (relative to its catalog): read in place, sha256 checked', async () => {
    vi.stubEnv(CATALOG_ENV, '');
    mkdirSync(join(dir, 'own', 'data'), { recursive: true });
    writeFileSync(join(dir, 'own', 'data', 'log.txt'), PENSIEVE);
    const entry = { id: 'own-log', file: 'data/log.txt', sha256: sha(PENSIEVE), format: 'pensieve', licence: 'own data', citation: 'me', description: 'my log' };
    const cat = join(dir, 'own', 'catalog.json');
    writeFileSync(cat, JSON.stringify({ version: 1, traces: [entry] }));
    useCatalogs([cat]);
    const noNetwork = (async () => { throw new Error('a local file needs no network'); }) as typeof fetch;
    const r = await resolveCatalogTrace('own-log', { fetchFn: noNetwork, cacheDir: join(dir, 'cache-own') });
    expect(r.path).toBe(join(dir, 'own', 'data', 'log.txt'));
    expect(filesUnder(join(dir, 'cache-own'))).toEqual([]);
    const t = await loadCatalogTrace('own-log', undefined, { uplinkFraction: 0.5 });
    expect(Array.from(t.downlinkMbps)).toEqual([1.5, 2.5]);
    const wrongCat = join(dir, 'own', 'wrong.json');
    writeFileSync(wrongCat, JSON.stringify({ version: 1, traces: [{ ...entry, sha256: sha('x') }] }));
    const i = await inputIssue(() => fetchTrace('own-log', { catalogFile: wrongCat }));
    expect(i).toMatchObject({ file: join(dir, 'own', 'data', 'log.txt'), found: `sha256 ${sha(PENSIEVE)}` });
    // One source per entry: both, or neither, is an error at its pointer.
    const both = catalogWith('both.json', { file: 'x' } as Partial<CatalogEntry>);
    expect((await inputIssue(() => loadCatalog(both))).pointer).toBe('/traces/0/repository');
    const neither = write('neither.json', JSON.stringify({ version: 1, traces: [{ ...entry, file: undefined }] }));
    expect((await inputIssue(() => loadCatalog(neither))).pointer).toBe('/traces/0/repository');
  });

  it('mirrors are tried in order: the second one serves what the first lacks', async () => {
    const first = join(dir, 'mirror-first');
    const second = join(dir, 'mirror-second');
    mkdirSync(first, { recursive: true });
    mkdirSync(join(second, 'owner', 'repo', COMMIT, 'p'), { recursive: true });
    writeFileSync(join(second, 'owner', 'repo', COMMIT, 'p', 't'), PENSIEVE);
    vi.stubEnv('ORCHBENCH_TRACE_MIRROR', [first, second].join(delimiter));
    const noNetwork = (async () => { throw new Error('not over the network'); }) as typeof fetch;
    const r = await fetchTrace('fixture', { catalogFile: catalogWith('two-mirrors.json', { path: 'p/t' }), cacheDir: join(dir, 'cache-2m'), fetchFn: noNetwork });
    expect(readFileSync(r.path, 'utf8')).toBe(PENSIEVE);
  });

  it('a mirrored, local or cached file that is not a regular file is refused at once, never read forever', async () => {
    vi.stubEnv(CATALOG_ENV, '');
    const mirror = join(dir, 'mirror-fifo');
    mkdirSync(join(mirror, 'owner', 'repo', COMMIT, 'p'), { recursive: true });
    execFileSync('mkfifo', [join(mirror, 'owner', 'repo', COMMIT, 'p', 'fifo')]);
    const noNetwork = (async () => { throw new Error('not over the network'); }) as typeof fetch;
    const viaMirror = await inputIssue(() => fetchTrace('fixture', { catalogFile: catalogWith('fifo-mirror.json', { path: 'p/fifo' }), mirror: [mirror], cacheDir: join(dir, 'cache-fifo'), fetchFn: noNetwork }));
    expect(viaMirror).toMatchObject({ file: join(mirror, 'owner', 'repo', COMMIT, 'p', 'fifo'), expected: 'a mirrored trace file (a regular file)', found: 'a FIFO (named pipe)' });
    expect(filesUnder(join(dir, 'cache-fifo'))).toEqual([]);
    mkdirSync(join(dir, 'own-fifo'), { recursive: true });
    symlinkSync('/dev/zero', join(dir, 'own-fifo', 'zero'));
    const cat = join(dir, 'own-fifo', 'catalog.json');
    writeFileSync(cat, JSON.stringify({ version: 1, traces: [{ id: 'own-zero', file: 'zero', sha256: sha(''), format: 'pensieve', licence: 'own', citation: 'me', description: 'a link to /dev/zero' }] }));
    const local = await inputIssue(() => fetchTrace('own-zero', { catalogFile: cat, fetchFn: noNetwork }));
    expect(local).toMatchObject({ file: join(dir, 'own-fifo', 'zero'), found: 'a character device' });
  });
});

describe.skipIf(!HAS_SHARED)(sharedTitle('catalogued traces from the shared mirror'), () => {
  const mirror = join(SHARED, 'traces', 'mirror');

  it('every entry fetches into a temp cache with the catalogued sha256 and imports', async () => {
    const cacheDir = join(dir, 'cache-all');
    const noNetwork = (async () => { throw new Error('the mirror should have served this'); }) as typeof fetch;
    for (const e of loadCatalog()) {
      const r = await fetchTrace(e.id, { mirror, cacheDir, fetchFn: noNetwork });
      expect(r.path.startsWith(join(cacheDir, ...e.repository!.split('/'), e.commit!))).toBe(true);
      expect(sha(readFileSync(r.path)), e.id).toBe(e.sha256);
      if (e.uplinkSha256) expect(sha(readFileSync(r.uplinkPath!)), e.id).toBe(e.uplinkSha256);
      const t = await loadCatalogTrace(e.id, r);
      const s = traceStats(t);
      expect(s.samples, e.id).toBeGreaterThan(10);
      expect(Number.isFinite(s.downlink.timeWeightedMeanMbps) && s.downlink.timeWeightedMeanMbps > 0, e.id).toBe(true);
      expect(t.derivedUplink, e.id).toBe(!e.uplinkPath);
    }
  });
});
