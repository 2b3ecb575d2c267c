// Writes the example inputs of this folder. Synthetic and deterministic (no randomness), made for
// orchbench: not a measurement of any real network.
//   traces/phone-throughput-log.csv: a phone throughput log as loggers write it: a date-time
//     with 1 s resolution, 4 rows per second, downlink bitrate in kbps, no uplink column.
//   profiles/my-device-samples.csv: latency samples (model, latency_ms), exported from the
//     shipped profile scenarios/profiles/xeon-1core.json (our own measurement), to show
//     `orchbench profiles convert` on a real sample set.
// Run: node scenarios/examples/make-example-data.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// 180 s: 60 s good LTE (~24 Mbps), 20 s weak (~3 Mbps) with a 3 s outage, 60 s recovering, 40 s good.
const rows = ['Timestamp,DL_bitrate,RSRP'];
for (let i = 0; i < 180 * 4; i++) {
  const s = Math.floor(i / 4);
  const base = s < 60 ? 24000 : s < 80 ? 3000 : s < 140 ? 3000 + (s - 80) * 300 : 22000;
  const outage = s >= 66 && s < 69;
  const ripple = 1 + 0.15 * Math.sin(i * 0.9) + 0.05 * Math.cos(i * 2.3);
  const kbps = outage ? 0 : Math.round(base * ripple);
  const t = new Date(Date.UTC(2026, 10, 27, 8, 0, s));
  const p2 = (n) => String(n).padStart(2, '0');
  const stamp = `${t.getUTCFullYear()}.${p2(t.getUTCMonth() + 1)}.${p2(t.getUTCDate())}_${p2(t.getUTCHours())}.${p2(t.getUTCMinutes())}.${p2(t.getUTCSeconds())}`;
  const rsrp = outage ? -140 : Math.round(-80 - (24000 - Math.min(base, 24000)) / 500);
  rows.push(`${stamp},${kbps},${rsrp}`);
}
writeFileSync(join(here, 'traces', 'phone-throughput-log.csv'), `${rows.join('\n')}\n`);

const profile = JSON.parse(readFileSync(join(here, '..', 'profiles', 'xeon-1core.json'), 'utf8'));
const zoo = ['mobilenet_v3_small', 'mobilenet_v3_large', 'efficientnet_b0', 'resnet50', 'vit_b_16'];
const samples = ['model,latency_ms'];
for (const m of zoo) for (const v of profile.models[m].latencySamplesMs) samples.push(`${m},${v}`);
writeFileSync(join(here, 'profiles', 'my-device-samples.csv'), `${samples.join('\n')}\n`);
