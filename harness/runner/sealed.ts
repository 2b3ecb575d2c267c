/**
 * Sealed runs: a fresh secret of 256 random bits keys every simulator stream of a run, so no
 * agent can reconstruct the future from a public seed. The results carry only a commitment to the
 * secret (sha256 of a domain tag, the run id and the secret); the secret itself goes to
 * `DIR/secret.json` (mode 0600), which nothing else the run writes (journal, leaderboard, progress,
 * logs) contains. `orchbench verify --secret FILE` re-runs sealed lines with it once it is revealed.
 * See docs/sealed-runs.md.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { SealedKey } from '../rng.ts';

/** The secret file's name in a sealed run's folder. */
export const SECRET_FILE = 'secret.json';

/** Bytes of a fresh secret (256 bits; at least 128 are required). */
const SECRET_BYTES = 32;

/** A sealed run's secret and the public id it is committed with. */
export interface RunSecret {
  /** Public, random: makes every run's commitment distinct. Hex. */
  runId: string;
  /** The secret, hex (never in a result, a leaderboard, a log or a progress line). */
  secret: string;
}

/** The public commitment to a run's secret: sha256 of a domain tag, the run id and the secret (hex). */
export function commitmentOf(s: RunSecret): string {
  return createHash('sha256').update(`orchbench-sealed-run/1\0${s.runId}\0${s.secret}`).digest('hex');
}

/** A fresh secret from Node's cryptographic random source. */
export function freshSecret(): RunSecret {
  return { runId: randomBytes(16).toString('hex'), secret: randomBytes(SECRET_BYTES).toString('hex') };
}

/**
 * The key of seed index `i` of a sealed run (the same for every agent and scenario: common random
 * numbers, as in an open run). Every simulator stream of the job derives from it by a keyed hash.
 */
export function sealedEpisodeKey(s: RunSecret, i: number): SealedKey {
  return new SealedKey(Buffer.from(s.secret, 'hex')).child('episode-seed', i);
}

/** Writes `DIR/secret.json`, readable by its owner only. @returns its path. */
export function writeSecretFile(dir: string, s: RunSecret): string {
  const file = join(dir, SECRET_FILE);
  writeFileSync(file, `${JSON.stringify({ format: 'orchbench-secret/1', runId: s.runId, secret: s.secret, commitment: commitmentOf(s) }, null, 2)}\n`, { mode: 0o600 });
  // The mode of writeFileSync applies only to a new file.
  chmodSync(file, 0o600);
  return file;
}

/** `DIR/secret.json` when it exists. */
export function secretInPlace(dir: string): string | null {
  const file = join(dir, SECRET_FILE);
  return existsSync(file) ? file : null;
}

/**
 * Reads a secret file and checks it against the commitment the results carry (null: the one the
 * file records, for a folder's own secret when its results are not written yet).
 * @throws InputError naming the file and the commitment it should match when it is missing,
 *   unreadable, malformed, or commits to something else.
 */
export function readSecretFile(file: string, commitment: string | null): RunSecret {
  const expected = `a sealed run's secret file (${SECRET_FILE}: {"runId", "secret"}) matching ${commitment === null ? 'the commitment it records' : `commitment ${commitment}`}`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError({ file, expected, found: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `unreadable (${(e as Error).message})` });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InputError({ file, expected, found: 'not JSON' });
  }
  const o = parsed as Partial<RunSecret> & { commitment?: unknown };
  for (const [k, re] of [['runId', /^[0-9a-f]{32}$/], ['secret', /^[0-9a-f]{32,}$/]] as const) {
    const v = o?.[k];
    if (typeof v !== 'string' || !re.test(v) || (k === 'secret' && v.length % 2 !== 0)) {
      throw new InputError({ file, pointer: `/${k}`, expected: k === 'runId' ? '32 hex digits' : 'an even number (>= 32) of hex digits (>= 128 bits)', found: v === undefined ? 'missing' : JSON.stringify(v).slice(0, 80) });
    }
  }
  const s = { runId: o.runId!, secret: o.secret! };
  const got = commitmentOf(s);
  if (got !== (commitment ?? o.commitment)) throw new InputError({ file, expected, found: `a secret committing to ${got}` });
  return s;
}

/** `--sealed` and `--root-seed` together: refused, since a sealed run's streams come from its secret alone. */
export function refuseRootSeedWhenSealed(sealed: boolean | undefined, rootSeedGiven: boolean): void {
  if (sealed && rootSeedGiven) {
    throw new InputError({ file: '--root-seed', expected: 'no --root-seed with --sealed (a sealed run keys every stream with a fresh secret; a root seed would make them public again)', found: 'both given' });
  }
}

/**
 * The secret of a sealed run into `dir`: on `resume`, the one in place (it must match the
 * commitment `run.json` records); otherwise a fresh one. Also refuses resuming a sealed folder
 * open or an open folder sealed (their jobs are different jobs).
 * @param recorded the folder's `run.json` commitment, when it has a manifest.
 * @throws InputError as described.
 */
export function runSecretFor(dir: string, sealed: boolean, resume: boolean, recorded: { commitment: string } | undefined | null): RunSecret | undefined {
  const inPlace = secretInPlace(dir);
  if (resume && recorded !== null && sealed !== (recorded !== undefined)) {
    throw new InputError({ file: join(dir, 'run.json'), expected: sealed ? 'a sealed run to resume with --sealed' : 'an open run (resume a sealed one with --sealed)', found: recorded ? `a sealed run (commitment ${recorded.commitment})` : 'an open run' });
  }
  if (!sealed) return undefined;
  if (resume && recorded) return readSecretFile(inPlace ?? join(dir, SECRET_FILE), recorded.commitment);
  return freshSecret();
}
