/**
 * A device profile: measured inference latency of each model on one machine, plus power and
 * contention figures. Profiles live in `scenarios/profiles/<id>.json` (schema:
 * `scenarios/schema/profile.schema.json`) and always carry their provenance.
 */
export interface ModelLatency {
  /** Per-call latency samples (ms) at batch 1, replayed by sampling uniformly. */
  latencySamplesMs: number[];
  medianMs: number;
  p95Ms: number;
  /**
   * Server-side energy per inference (mJ) that the inference adds on top of the idle machine
   * (dynamic energy: board energy minus idle power x latency), where measured.
   */
  energyMjPerInference?: number;
  /** Whole-board energy per inference (mJ), idle power included, where measured. */
  boardEnergyMjPerInference?: number;
  /**
   * Time (ms) to make the model resident before its first inference: not in profile files; a
   * scenario with `tiers.device.residency` takes it from `scenarios/profiles/model-load.json`.
   */
  loadMs?: number;
}

/** `scenarios/profiles/model-load.json`: per device profile, per model, the load time (ms), with its provenance. */
export interface ModelLoadTable {
  provenance: DeviceProfile['provenance'];
  /** Profile id -> the latency factor applied to the 1-thread load times (1 for xeon-1core). */
  factors: Record<string, number>;
  loadMs: Record<string, Record<string, number>>;
}

/** Latency multiplier as a function of concurrent requests, measured on the profiled machine. */
export interface ContentionCurve {
  /** Concurrent requests (1..N), strictly increasing, first = 1. */
  concurrent: number[];
  /** Median latency at that concurrency divided by the median at 1 (>= 1 after the knee). */
  slowdown: number[];
  /** What it was measured on, e.g. "4 pinned Xeon cores, mobilenet_v2 + resnet18". */
  basis: string;
  /**
   * Per-model curves where the model itself was measured under contention: the median latency
   * at that concurrency divided by the profile's own median for the model (so the simulated
   * latency at n concurrent requests reproduces the measured table), extended past the model's
   * last measured point by the shape of the averaged curve. Models without one use the averaged
   * curve.
   */
  perModel?: Record<string, { concurrent: number[]; slowdown: number[] }>;
}

/**
 * How the latency samples and the contention curve were measured, which fixes the capacity
 * model of a tier that uses the profile: one inference used `threadsPerInference` cores (or
 * accelerators), and the contention curve ran concurrent clients on `cores` of them.
 */
export interface MeasurementConditions {
  threadsPerInference: number;
  cores: number;
}

/**
 * Typical power figures of the machine (W), where known. All are whole-machine (board) figures
 * except `busyAboveIdlePowerW`, which is what running inference adds to the idle draw.
 */
export interface DevicePower {
  /** Whole-board power while running inference. */
  busyPowerW?: number;
  /** Whole-board power when idle. */
  idlePowerW?: number;
  /** `busyPowerW - idlePowerW`: the power attributable to inference. */
  busyAboveIdlePowerW?: number;
}

export interface DeviceProfile {
  id: string;
  description: string;
  kind: 'device' | 'edge' | 'cloud';
  provenance: {
    source: string;
    measuredOn: string;
    method: string;
    citation?: string;
    conversion: string;
  };
  power?: DevicePower;
  models: Record<string, ModelLatency>;
  contention?: ContentionCurve;
  /** Required for profiles used on the edge or cloud tier (their capacity follows from it). */
  measurement?: MeasurementConditions;
}
