import { VENDORS } from "@livehook/core";
import { expect, test } from "vitest";
import { Metrics } from "./metrics.js";

/** Parses `name{labels} value` lines into name -> label-key sets. */
function labelSets(text: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of text.split("\n")) {
    const m = /^([a-z_]+)(?:\{([^}]*)\})? /.exec(line);
    if (m === null) continue;
    const keys = (m[2] ?? "")
      .split(",")
      .filter(Boolean)
      .map((kv) => kv.split("=")[0])
      .sort()
      .join(",");
    const set = out.get(m[1] as string) ?? new Set<string>();
    set.add(keys);
    out.set(m[1] as string, set);
  }
  return out;
}

test("a fresh process already prints every vendor's series at zero, so sums across instances have no gaps", () => {
  const text = new Metrics().render();
  for (const vendor of VENDORS) {
    expect(text).toContain(`livehook_events_accepted_total{vendor="${vendor}"} 0`);
    expect(text).toContain(`livehook_events_duplicate_total{vendor="${vendor}"} 0`);
    expect(text).toContain(`livehook_rejections_dropped_total{vendor="${vendor}"} 0`);
    expect(text).toContain(`livehook_request_duration_seconds_bucket{vendor="${vendor}",le="+Inf"} 0`);
    expect(text).toContain(`livehook_request_duration_seconds_count{vendor="${vendor}"} 0`);
  }
});

test("every series of a metric has the same label names, and none names the instance", () => {
  const m = new Metrics();
  m.accept("huawei-live", { valid: false, unknownFields: 2 });
  m.duplicate("aliyun-live");
  m.reject("huawei-rtc", "bad_signature");
  m.reject("huawei-live", "expired");
  m.rejectionDropped("huawei-rtc");
  m.observe("huawei-live", 0.003);
  const text = m.render();
  for (const [name, sets] of labelSets(text)) {
    expect(sets.size, name).toBe(1);
    expect([...sets][0], name).not.toMatch(/instance|host|pid/);
  }
  expect(text).toContain('livehook_request_duration_seconds_bucket{vendor="huawei-live",le="0.005"} 1');
  expect(text).toContain('livehook_request_duration_seconds_bucket{vendor="huawei-live",le="0.0025"} 0');
});
