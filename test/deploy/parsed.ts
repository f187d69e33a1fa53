// Reads emitted deploy files back with real parsers (dockerfile-ast, smol-toml, yaml, JSON) and
// returns the facts that matter, so tests assert on what a host or Docker would read.
import { DockerfileParser, type Copy } from "dockerfile-ast";
import { parse as parseToml } from "smol-toml";
import YAML from "yaml";

export interface DockerStage {
  name: string | null;
  image: string;
  imageName: string;
  imageTag: string | null;
  workdir?: string;
  args: string[];
  runs: string[];
  copies: Array<{ from: string | null; sources: string[]; destination: string }>;
  user?: string;
  expose: string[];
  healthcheck?: string;
  cmd?: string;
  env: string[];
}

export function parseDockerfile(text: string): DockerStage[] {
  const dockerfile = DockerfileParser.parse(text);
  const stages: DockerStage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword === "FROM") {
      const from = dockerfile.getFROMs().find((f) => f.getRange().start.line === instruction.getRange().start.line)!;
      stages.push({
        name: from.getBuildStage(),
        image: from.getImage() ?? "",
        imageName: from.getImageName() ?? "",
        imageTag: from.getImageTag(),
        args: [],
        runs: [],
        copies: [],
        expose: [],
        env: [],
      });
      continue;
    }
    const stage = stages.at(-1)!;
    const content = instruction.getArgumentsContent() ?? "";
    switch (keyword) {
      case "WORKDIR":
        stage.workdir = content;
        break;
      case "ARG":
        stage.args.push(content.split("=")[0]!);
        break;
      case "RUN":
        stage.runs.push(content);
        break;
      case "COPY": {
        const copy = instruction as Copy;
        const args = copy.getArguments().map((a) => a.getValue());
        // getFromFlag() answers only when --from is the sole flag; read every flag instead.
        const from =
          copy
            .getFlags()
            .find((f) => f.getName() === "from")
            ?.getValue() ?? null;
        stage.copies.push({ from, sources: args.slice(0, -1), destination: args.at(-1)! });
        break;
      }
      case "USER":
        stage.user = content;
        break;
      case "EXPOSE":
        stage.expose.push(...content.split(/\s+/));
        break;
      case "HEALTHCHECK":
        stage.healthcheck = content;
        break;
      case "CMD":
        stage.cmd = content;
        break;
      case "ENV":
        stage.env.push(content);
        break;
    }
  }
  return stages;
}

export const parseYaml = (text: string) => YAML.parse(text) as Record<string, any>;
export { parseToml };

/** A version tag: digits first (node:22.21.1-bookworm-slim, postgres:18.1) or v-digits (postgrest:v14.5). */
export const PINNED_TAG = /^v?\d+(\.\d+)+(-[a-z0-9.]+)*$/;
