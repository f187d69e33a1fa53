// Filling the templates transforms keep as files beside them (template/*.tpl): code ownit writes into
// an owner's project reads better as the file it becomes than as strings joined in TypeScript.

/**
 * The template with each `{{name}}` replaced by its value, and each line that starts `{{if name}}`
 * kept (without that prefix) only when `name`'s value is true. An unknown name is an error, so a
 * typo in a template cannot ship as text.
 */
export function fillTemplate(template: string, values: Record<string, string | boolean>): string {
  const value = (name: string) => {
    if (!(name in values)) throw new Error(`template placeholder {{${name}}} has no value`);
    return values[name]!;
  };
  return template
    .split("\n")
    .flatMap((line) => {
      const cond = /^\{\{if (\w+)\}\}/.exec(line);
      if (!cond) return [line];
      return value(cond[1]!) === true ? [line.slice(cond[0].length)] : [];
    })
    .join("\n")
    .replace(/\{\{(\w+)\}\}/g, (_m, name: string) => String(value(name)));
}
