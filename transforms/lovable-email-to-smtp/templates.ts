// The owned modules lovable-email-to-smtp writes into the app: email over the owner's SMTP server
// and signed-webhook verification with the owner's secret, kept as files under template/. They are
// the app's code from then on, so they are written for the strictest tsconfig Lovable generates
// (bracket access to process.env, exact optional properties).
import { readFileSync } from "node:fs";
import path from "node:path";

/** First line of each module: the mark generatedFiles (@ownit/core) knows an edited copy of ownit's module by. */
export const EMAIL_MODULE_MARK = "// Email through your own SMTP server.";
export const WEBHOOKS_MODULE_MARK = "// Signed webhooks, verified with a secret you own.";

const TEMPLATE_DIR = path.join(import.meta.dirname, "template");

export const EMAIL_MODULE = readFileSync(path.join(TEMPLATE_DIR, "smtp-email.server.ts"), "utf8");
export const WEBHOOKS_MODULE = readFileSync(path.join(TEMPLATE_DIR, "signed-webhooks.server.ts"), "utf8");
