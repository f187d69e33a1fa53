// @ownit/codemod: the transform runner (discovery, parse, apply, print, per-file errors), plan steps
// for migrate/transform, and the edit helpers transforms share. Fixture tests: "@ownit/codemod/testing".
export type * from "./types";
export { TRANSFORMS_DIR, loadCodemod, loadCodemods, codemodsFor, findCodemod, codemodFolder, runOrder } from "./discover";
export { runCodemod, formatCounts, countOutcomes, failureReason, type RunCodemodOptions } from "./runner";
export { PARALLEL_MIN_FILES, threadsFor } from "./pool";
export { syncLockFiles, LOCK_NOT_SYNCED } from "./lock-sync";
export { lockRefreshStep } from "./lock-refresh";
export { codemodStep, codemodSteps, type CodemodStepOptions } from "./steps";
export { jscodeshiftFor, parserNameFor, isScript } from "./parser";
export { MAX_FILE_BYTES, FILE_FAILED, FILE_SKIPPED } from "./limits";
export { applySpanEdits, removalEdit, eolOf, templateText, changedText, type SpanEdit } from "./edit/text";
export { editJson, parseJson, removeDependency, hasDependency, DEPENDENCY_SECTIONS } from "./edit/json";
export { prunedNpmLock, type NpmLockResult } from "./edit/package-lock";
export { addDependencies, type NewDependencies } from "./edit/add-dependency";
export { RESOLVED_BEFORE, TESTED_VERSIONS, testedVersions, type TestedPackage } from "./edit/tested-versions";
export {
  parseHtml,
  walkHtml,
  htmlElements,
  htmlComments,
  attr,
  spanOf,
  attrValueSpan,
  type HtmlElement,
  type HtmlComment,
} from "./edit/html";
export {
  addEnvVar,
  addGitignoreEntry,
  envValue,
  addEnvExampleNames,
  addEnvLocalValues,
  envReaderFor,
  envReadExpression,
  type EnvReader,
} from "./edit/env";
export { TODO_TAG, todoComment, collectTodos } from "./edit/todo";
export { spanOfNode, removeStatementEdit, removeListElementEdit, todoLineEdit } from "./edit/script";
export { removeVitePlugin } from "./edit/vite-plugin";
export { propertyKey, propertyNamed, isValueString } from "./edit/ast";
