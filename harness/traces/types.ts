/**
 * A network trace: the bandwidth of one link over time, as the environment replays it.
 *
 * Samples are a step function by default: the value at sample i holds from `tMs[i]` until
 * `tMs[i + 1]`; the last sample holds for `stepMs` after it (so `durationMs = tMs[n-1] + lastStepMs`).
 */
export interface NetworkTrace {
  /** Sample times (ms from the trace start), strictly increasing, first = 0. */
  tMs: Float64Array;
  uplinkMbps: Float64Array;
  downlinkMbps: Float64Array;
  /** Per-sample RTT (ms) where the source records it, else `null`. */
  rttMs: Float64Array | null;
  /** Total duration (ms) covered by the samples. */
  durationMs: number;
  /** Where it came from (file path, catalog id or generator id). */
  source: string;
  /** sha256 (hex) of the source file bytes, or of the generator parameters for generated traces. */
  sha256: string;
  /** True when one direction was derived (e.g. uplink = fraction x downlink). */
  derivedUplink: boolean;
}

/** The recorded formats the importers read (`csv-columns`: any CSV with a column mapping). */
export type TraceFormat = 'csv' | 'mahimahi' | 'pensieve' | '5gophers' | 'csv-columns';
export const TRACE_FORMATS: readonly TraceFormat[] = ['csv', 'mahimahi', 'pensieve', '5gophers', 'csv-columns'];
/** The formats a catalog entry may have (a column mapping does not fit its flat options). */
export type CatalogFormat = Exclude<TraceFormat, 'csv-columns'>;

/**
 * A catalogued recorded trace: enough to fetch it from its public repository (`repository`,
 * `commit`, `path`) or read it from a local file (`file`, in a catalog of the user's own), and
 * verify it. Exactly one of the two sources is set (checked when the catalog loads).
 */
export interface CatalogEntry {
  id: string;
  /** `owner/name` of the public GitHub repository. */
  repository?: string;
  /** Full 40-hex commit. */
  commit?: string;
  /** Path inside the repository. */
  path?: string;
  /** A local file; relative to the catalog file's folder in the file, absolute once loaded. */
  file?: string;
  /** mahimahi: the local uplink file (like `file`). */
  uplinkFile?: string;
  sha256: string;
  format: CatalogFormat;
  /** For mahimahi: the paired uplink file's path (or `uplinkFile`) and sha256 (`path` or `file` is the downlink). */
  uplinkPath?: string;
  uplinkSha256?: string;
  /** Format options, e.g. `{ "windowMs": 1000 }` for mahimahi or a 5Gophers row filter. */
  options?: Record<string, string | number>;
  licence: string;
  citation: string;
  description: string;
}

/**
 * Parameters of a fitted bandwidth generator: a Markov-modulated process. Every `stepMs` the link
 * moves between hidden states by `transition` (row-stochastic); within a state, bandwidth is
 * log-normal around the state's means with log-standard-deviation `sigmaLog`: each step draws one
 * standard normal z and sets `downlink = downlinkMbps * exp(sigmaLog * z - sigmaLog^2 / 2)` (so
 * `downlinkMbps` is the state's arithmetic mean) and the uplink likewise with the same z.
 * Stored in `scenarios/traces/generators/<id>.json` with the traces it was fitted to.
 */
export interface GeneratorParams {
  id: string;
  description: string;
  kind: 'markov-lognormal';
  stepMs: number;
  states: { downlinkMbps: number; uplinkMbps: number; sigmaLog: number }[];
  transition: number[][];
  /** Distribution of the first state (the fitted state occupancy). */
  initial: number[];
  /** True when the uplink was fitted to derived uplink series (fraction x downlink). */
  derivedUplink: boolean;
  /** Provenance: the recorded traces it was fitted to and the command that fitted it. */
  fittedTo: { catalogId: string; sha256: string }[];
  fitCommand: string;
}
