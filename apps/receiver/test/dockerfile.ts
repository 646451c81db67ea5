/**
 * A small Dockerfile reader for the structural tests: hadolint is neither on the npm registry nor in Debian, and no
 * container engine runs here, so test/deployment-files.test.ts checks the rules we rely on from the parsed text.
 * It handles what our Dockerfiles use: comments, parser directives, `\` continuations, build stages and ARGs.
 */

export type Instruction = { keyword: string; args: string; line: number };
export type Stage = { image: string; name: string | undefined; instructions: Instruction[] };
export type Dockerfile = { args: Map<string, string>; stages: Stage[] };

/** Joins continued lines and drops comments; each instruction keeps the number of its first line. */
export function readInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (pending === undefined && (line === "" || line.startsWith("#"))) return;
    // Comment lines inside a continued instruction are removed by Docker too.
    if (pending !== undefined && line.startsWith("#")) return;
    const continued = line.endsWith("\\");
    const part = continued ? line.slice(0, -1).trim() : line;
    pending = pending === undefined ? { text: part, line: index + 1 } : { ...pending, text: `${pending.text} ${part}` };
    if (continued) return;
    const match = /^(\S+)\s*(.*)$/s.exec(pending.text);
    if (match?.[1] !== undefined)
      out.push({ keyword: match[1].toUpperCase(), args: match[2] ?? "", line: pending.line });
    pending = undefined;
  });
  return out;
}

/** Global ARGs (before the first FROM) with their defaults, and the stages in order, their FROM image expanded. */
export function parseDockerfile(text: string): Dockerfile {
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const instruction of readInstructions(text)) {
    const current = stages.at(-1);
    if (instruction.keyword === "FROM") {
      const [image = "", as, name] = instruction.args.split(/\s+/);
      const expanded = image.replace(/\$\{?(\w+)\}?/g, (_, arg: string) => args.get(arg) ?? `\${${arg}}`);
      stages.push({ image: expanded, name: as?.toUpperCase() === "AS" ? name : undefined, instructions: [] });
    } else if (current === undefined) {
      if (instruction.keyword !== "ARG")
        throw new Error(`line ${instruction.line}: ${instruction.keyword} before FROM`);
      const [key = "", value = ""] = instruction.args.split("=", 2);
      args.set(key.trim(), value.trim());
    } else {
      current.instructions.push(instruction);
    }
  }
  return { args, stages };
}

/** The exec (JSON array) form of CMD, ENTRYPOINT or `HEALTHCHECK … CMD`; undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  const json = args.trim();
  if (!json.startsWith("[")) return undefined;
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === "string")) return undefined;
  return parsed;
}

/** `KEY=value KEY2=value2` (the ENV form we use) as a map. */
export function envOf(stage: Stage): Map<string, string> {
  const env = new Map<string, string>();
  for (const { args } of stage.instructions.filter((i) => i.keyword === "ENV")) {
    for (const pair of args.split(/\s+/).filter((p) => p.length > 0)) {
      const eq = pair.indexOf("=");
      if (eq <= 0) throw new Error(`ENV without '=': ${pair} (use the KEY=value form)`);
      env.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }
  return env;
}

/** The command of a `HEALTHCHECK [options] CMD [...]` instruction, in exec form. */
export function healthcheckCommand(args: string): string[] | undefined {
  const at = args.indexOf("CMD ");
  return at < 0 ? undefined : execForm(args.slice(at + 4));
}
