// @ownit/codemod: the transform runner (discovery, parse, apply, print, per-file errors), plan steps
// for migrate/transform, and the edit helpers transforms share. Fixture tests: "@ownit/codemod/testing".
export type * from "./types";
export { loadCodemod, loadCodemods, codemodsFor, findCodemod } from "./discover";
export { runCodemod, formatCounts, type RunCodemodOptions } from "./runner";
export { lockRefreshStep } from "./lock-refresh";
export { codemodStep, codemodSteps, type CodemodStepOptions } from "./steps";
export { jscodeshiftFor, isScript } from "./parser";
export { MAX_FILE_BYTES } from "./limits";
export { applySpanEdits, removalEdit, eolOf, templateText, changedText, type SpanEdit } from "./edit/text";
export { editJson, parseJson, removeDependency, hasDependency } from "./edit/json";
export { prunedNpmLock, type NpmLockResult } from "./edit/package-lock";
export { addDependencies, type NewDependencies } from "./edit/add-dependency";
export { RESOLVED_BEFORE, TESTED_VERSIONS, testedVersions, type TestedPackage } from "./edit/tested-versions";
export {
  parseHtml,
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
  browserEnvVar,
  readsEnvOnServer,
  type EnvReader,
} from "./edit/env";
export { TODO_TAG, collectTodos } from "./edit/todo";
export { spanOfNode, removeStatementEdit, removeListElementEdit, todoLineEdit } from "./edit/script";
export { removeVitePlugin } from "./edit/vite-plugin";
export { fillTemplate } from "./edit/template";
export { propertyKey, propertyNamed, isValueString } from "./edit/ast";
