// What a user might write instead of the runtime, with RunPod's official JS SDK: N jobs at once, each a runSync and
// a fetch of output.image_url into a file. It keeps no ledger and survives nothing; issue 17 measures the runtime
// against it. Needs Node 20 and npm (the registry must be reachable):
//
//   npm install --prefix target/bench/node runpod-sdk@1.1.2
//   java bench/Bench.java --no-baseline --node          # runs this beside the runtime, against the same emulator
//
// or by hand: ENDPOINT=http://127.0.0.1:PORT/v2/google-nano-banana-2-edit KEY=... JOBS=2000 CONCURRENCY=400 \
//   OUT=target/bench/node/images node bench/runpod-sdk-peer.mjs
// It prints one line: jobs, seconds, and its own CPU ms per job (process.cpuUsage).
import { createRequire } from "node:module";
import { mkdirSync, writeFileSync } from "node:fs";

const require = createRequire(process.env.SDK_HOME ?? `${process.cwd()}/target/bench/node/`);
const runpodSdk = (await import(require.resolve("runpod-sdk"))).default;

const endpointUrl = process.env.ENDPOINT;
const jobs = Number(process.env.JOBS ?? 1000);
const concurrency = Number(process.env.CONCURRENCY ?? 64);
const out = process.env.OUT ?? "target/bench/node/images";
mkdirSync(out, { recursive: true });

const baseUrl = endpointUrl.substring(0, endpointUrl.lastIndexOf("/"));
const endpointId = endpointUrl.substring(endpointUrl.lastIndexOf("/") + 1);
const endpoint = runpodSdk(process.env.KEY, { baseUrl }).endpoint(endpointId);

let next = 0;
let failed = 0;
async function worker() {
  while (next < jobs) {
    const i = next++;
    try {
      const answer = await endpoint.runSync({ input: { prompt: `bench ${i}`, images: ["https://images.test/a.png"] } },
        90000);
      const image = await fetch(answer.output.image_url);
      writeFileSync(`${out}/${i}.png`, Buffer.from(await image.arrayBuffer()));
    } catch (e) {
      failed++;
    }
  }
}

const cpu0 = process.cpuUsage();
const t0 = performance.now();
await Promise.all(Array.from({ length: concurrency }, worker));
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
console.log(`jobs ${jobs} failed ${failed} seconds ${seconds.toFixed(2)} cpu-ms-per-job `
  + `${((cpu.user + cpu.system) / 1000 / jobs).toFixed(2)}`);
