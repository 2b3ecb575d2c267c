/**
 * A compiled scenario: the validated file with every reference resolved (profiles loaded, traces
 * loaded or generators bound), the testing variant applied if requested, and a content hash that
 * results carry. This is what the environment consumes.
 */
import type { LoadProcess } from '../traces/load-process.ts';
import type { ActionDef } from '../agent.ts';
import type { DeviceProfile } from '../profiles/types.ts';
import type { GeneratorParams, NetworkTrace } from '../traces/types.ts';
import type { ScenarioSpec } from './types.ts';

/** A link's bandwidth source, ready to replay. */
export type TraceSource =
  | { kind: 'recorded'; id: string; trace: NetworkTrace }
  | { kind: 'generated'; id: string; params: GeneratorParams; durationS: number; sha256: string }
  | { kind: 'fixed'; id: string; uplinkMbps: number; downlinkMbps: number; sha256: string };

export interface CompiledScenario {
  id: string;
  variant: 'full' | 'testing';
  /** The scenario with the variant's overrides applied. */
  spec: ScenarioSpec;
  /** sha256 over the canonical spec, profiles and trace hashes. */
  hash: string;
  /** The action table: every (tier, model) pair of the zoo, in a fixed order. */
  actions: ActionDef[];
  profiles: { device: DeviceProfile; edge: DeviceProfile; cloud: DeviceProfile };
  /** One source per distinct access trace; user u replays `access[u % access.length]`. */
  access: TraceSource[];
  wan: TraceSource;
  /** sha256 of every trace file and generator used, for results. */
  traceSha256s: string[];
  /** Where the file came from. */
  file?: string;
  /** The edge's background-load process, when the scenario has one (`tiers.edge.backgroundLoad`). */
  backgroundLoad?: LoadProcess;
}
