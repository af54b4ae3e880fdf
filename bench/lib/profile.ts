/**
 * Reads a V8 CPU profile (`node --cpu-prof`) and says where the time went: self time by package or source folder
 * (a Prisma share, a SQLite share, the product's own folders, garbage collection, idle) and the hottest functions.
 */

import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time of one group or function, in ms and as a share of the busy (non-idle) time. */
export interface ProfileShare {
  name: string;
  ms: number;
  percent: number;
}

/** Where the time went. */
export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  byGroup: ProfileShare[];
  topFunctions: ProfileShare[];
}

/** The package or folder a script belongs to: "@prisma/client", "src/lark", "node", … */
function groupOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === "(garbage collector)") return "GC";
    if (functionName === "(idle)") return "idle";
    if (functionName === "(program)") return "native (program)";
    return functionName || "native";
  }
  if (url.startsWith("node:")) return "node";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg?.[1]) return pkg[1];
  const src = /\/(src\/[^/]+|bench)\//.exec(url);
  if (src?.[1]) return src[1];
  return url.replace(/^.*\//, "");
}

function share(entries: Map<string, number>, busyMs: number, top: number): ProfileShare[] {
  return [...entries.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({
      name,
      ms: Math.round(us / 1000),
      percent: Math.round((us / 1000 / busyMs) * 1000) / 10,
    }));
}

/** Summarises a .cpuprofile file (see the module comment). */
export function summarizeProfile(file: string, top = 12): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byGroup = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [i, id] of profile.samples.entries()) {
    const us = profile.timeDeltas[i] ?? 0;
    const frame = nodes.get(id)?.callFrame;
    if (!frame) continue;
    total += us;
    const group = groupOf(frame.url, frame.functionName);
    if (group === "idle") {
      idle += us;
      continue;
    }
    byGroup.set(group, (byGroup.get(group) ?? 0) + us);
    const where = frame.url ? `${frame.url.replace(/^.*\/(node_modules|src)\//, "$1/")}:${frame.lineNumber + 1}` : "";
    const fn = `${frame.functionName || "(anonymous)"} ${where}`.trim();
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  }
  const busyMs = Math.max(1, (total - idle) / 1000);
  return {
    totalMs: Math.round(total / 1000),
    idleMs: Math.round(idle / 1000),
    byGroup: share(byGroup, busyMs, top),
    topFunctions: share(byFunction, busyMs, top),
  };
}
