// Start-up cost of `livehook --help` against a bare `node -e 0`, measured in the same run so machine load affects
// both alike. Runs are interleaved; the figure is the ratio of medians. Target: at most 2x.
// Usage: node bench/startup.bench.mjs [runs]   (build first: the bench runs dist/main.js, as an installed bin does)
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const runs = Number(process.argv[2] ?? 30);
const bin = fileURLToPath(new URL("../dist/main.js", import.meta.url));
if (!existsSync(bin)) {
  console.error(`missing ${bin}: run the build first`);
  process.exit(1);
}

function time(args) {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: "ignore" });
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited with ${r.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

// Warm the file system cache for both.
time(["-e", "0"]);
time([bin, "--help"]);
const baseline = [];
const help = [];
const sub = [];
for (let i = 0; i < runs; i++) {
  baseline.push(time(["-e", "0"]));
  help.push(time([bin, "--help"]));
  sub.push(time([bin, "verify", "--help"]));
}
const b = median(baseline);
const h = median(help);
const v = median(sub);
const rows = [
  ["node -e 0", b, 1],
  ["livehook --help", h, h / b],
  ["livehook verify --help", v, v / b],
];
console.log(
  `startup, median of ${runs} interleaved runs (Node ${process.version}, ${process.platform}/${process.arch})`,
);
for (const [name, ms, ratio] of rows)
  console.log(`${name.padEnd(24)} ${ms.toFixed(1).padStart(7)} ms  ${ratio.toFixed(2)}x`);
const ok = h / b <= 2;
console.log(ok ? "within the 2x target" : "OVER the 2x target");
process.exitCode = ok ? 0 : 1;
