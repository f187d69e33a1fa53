// "No path the app's code calls answers 501 unless a finding names it and says why": a migrated Base44
// app whose pages call what the owned server answers with 501 (until a setting is made, or at all) gets
// one finding at each call site, naming the call and the reason.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { capturedCli, cleanupTemp, copyFixture } from "../helpers/project";

afterAll(cleanupTemp);

/** A page calling each of them, as Base44 apps call them. */
const PAGE = `import { base44 } from "@/api/base44Client";
import { SendEmail } from "@/api/integrations";

export default async function Admin() {
  await SendEmail({ to: "a@example.com", subject: "Hi", body: "Hello" });
  await base44.auth.inviteUser("new@example.com", "user");
  await base44.auth.resetPasswordRequest("someone@example.com");
  await base44.auth.verifyOtp({ email: "a@example.com", otpCode: "123456" });
  await base44.entities.Task.importEntities(new File([], "tasks.csv"));
  await base44.integrations.Stripe.createCheckout({ price: 10 });
  return null;
}
`;

describe("migrate on a Base44 app whose pages call what the owned server answers 501", () => {
  it("names each call at its line, and what it waits for or why it is not there", async () => {
    const dir = copyFixture("base44");
    writeFileSync(path.join(dir, "src", "pages", "Admin.jsx"), PAGE);
    const cli = capturedCli();
    expect(await cli.run("migrate", dir, "--yes"), cli.stderr.join("\n")).toBe(0);
    const lines = cli.stdout
      .join("\n")
      .split("\n")
      .filter((l) => l.includes("src/pages/Admin.jsx:"));
    const at = (line: number) => lines.filter((l) => l.includes(`src/pages/Admin.jsx:${line}:`));
    expect(at(5)).toEqual([expect.stringMatching(/SendEmail answer 501 .* until SMTP_URL and MAIL_FROM are set/)]);
    expect(at(6)).toEqual([expect.stringMatching(/inviteUser .*until SMTP_URL, MAIL_FROM and APP_URL are set/)]);
    expect(at(7)).toEqual([expect.stringMatching(/resetPasswordRequest .*until SMTP_URL, MAIL_FROM and APP_URL are set/)]);
    expect(at(8)).toEqual([expect.stringMatching(/one-time codes .*each answers 501/)]);
    expect(at(9)).toEqual([expect.stringMatching(/importEntities, upsert and aggregate \(each answers 501\)/)]);
    expect(at(10)).toEqual([expect.stringMatching(/installable integrations .*each answers 501/)]);
    expect(lines).toHaveLength(6);
  });
});
