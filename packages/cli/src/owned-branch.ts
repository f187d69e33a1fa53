// `migrate --branch <name>`: the owned app on its own branch, the builder's branch left as the
// builder wrote it. On a repo a builder syncs with, migrate says why and offers the branch.
import {
  BUILDER_BRANCH_CANDIDATES,
  BUILDER_SYNC_RECORD,
  BUILDER_SYNCED,
  branchExists,
  createAndSwitchBranch,
  currentBranch,
  DEFAULT_OWNED_BRANCH,
  deleteBranch,
  git,
  OwnitError,
  resolveBuilderBranch,
  switchBranch,
  type BuilderSyncRecord,
  type ProjectFacts,
} from "@ownit/core";
import type { CliContext } from "./context";
import { color } from "./context";

export interface OwnedBranch {
  branch: string;
  builderBranch: string;
  /** True when this migrate created the branch (and so may remove it if nothing was committed). */
  created: boolean;
  record: Record<string, BuilderSyncRecord>;
}

/** On the builder's synced branch of a builder's repo: say why to branch, and offer it when someone can answer. */
export async function builderBranchAdvice(ctx: CliContext, project: ProjectFacts, yes?: boolean): Promise<string | undefined> {
  if (!BUILDER_SYNCED.has(project.builder.id) || !git.isGitRepo(project.root)) return undefined;
  const branch = currentBranch(project.root);
  if (!branch || !BUILDER_BRANCH_CANDIDATES.includes(branch)) return undefined;
  ctx.out(
    color.yellow(
      `${project.builder.id} syncs with ${branch}: a migration committed there reaches the builder, whose editor needs the plugins ownit removes.`,
    ),
  );
  ctx.out(
    color.yellow(
      `keep building in the builder by migrating onto a branch of your own: npx ownit migrate --branch ${DEFAULT_OWNED_BRANCH}, then npx ownit sync-builder`,
    ),
  );
  if (yes || !ctx.interactive) return undefined;
  return (await ctx.confirm(`Migrate onto a new branch "${DEFAULT_OWNED_BRANCH}" and leave ${branch} as the builder wrote it?`))
    ? DEFAULT_OWNED_BRANCH
    : undefined;
}

/** Checks out the owned branch, creating it at HEAD from the builder's branch when it is new. */
export function enterOwnedBranch(ctx: CliContext, root: string, branch: string): OwnedBranch {
  if (!git.isGitRepo(root))
    throw new OwnitError(
      "not-a-git-repo",
      `--branch needs a git repository, and ${root} is not one`,
      "clone the repository the builder syncs with, or migrate without --branch",
    );
  const current = currentBranch(root);
  const record = (builderBranch: string): Record<string, BuilderSyncRecord> => ({
    [BUILDER_SYNC_RECORD]: { branch: builderBranch, commit: git.resolveRef(root, builderBranch)!, ownedBranch: branch },
  });
  if (current === branch) {
    const builderBranch = resolveBuilderBranch(root);
    return { branch, builderBranch, created: false, record: record(builderBranch) };
  }
  if (!current)
    throw new OwnitError(
      "detached-head",
      `HEAD is detached in ${root}`,
      "check out the builder's branch (e.g. git switch main), then migrate --branch again",
    );
  if (branchExists(root, branch)) {
    throw new OwnitError(
      "branch-exists",
      `branch ${branch} already exists in ${root}`,
      `switch to it (git switch ${branch}) and bring the builder's commits in with \`npx ownit sync-builder\``,
    );
  }
  createAndSwitchBranch(root, branch);
  ctx.out(
    color.dim(
      `on new branch ${branch}, made from ${current} at ${git.resolveRef(root, "HEAD")!.slice(0, 12)}; ${current} stays as the builder wrote it`,
    ),
  );
  return { branch, builderBranch: current, created: true, record: record(current) };
}

/** Nothing was committed on a branch this migrate made: go back and remove it. */
export function leaveOwnedBranchIfUnused(ctx: CliContext, root: string, owned: OwnedBranch): void {
  if (!owned.created) return;
  switchBranch(root, owned.builderBranch);
  deleteBranch(root, owned.branch);
  ctx.out(color.dim(`nothing was committed on ${owned.branch}: back on ${owned.builderBranch}, branch removed`));
}
