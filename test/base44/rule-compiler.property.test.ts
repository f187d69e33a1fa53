// Properties of the generated server's rule compiler, over many random inputs (fast-check): a
// malformed rule never compiles to anything but "deny", for any operation and any caller short of
// the service role; and whatever a user's own profile holds, a `{{user.x}}` template matches only
// records equal to it (run on a real PostgreSQL), never acting as an operator.
import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TableShape } from "../../transforms/base44-owned-backend/template/server/db";
import { SqlParams } from "../../transforms/base44-owned-backend/template/server/query";
import { rlsProblems, RULE_OPERATIONS } from "../../transforms/base44-owned-backend/template/server/rule-check";
import {
  compileAccess,
  compileRule,
  type Actor,
  type Operation,
} from "../../transforms/base44-owned-backend/template/server/rules";
import { startTestServer, type TestServer } from "../helpers/postgres";

const SHAPE: TableShape = {
  entity: "Note",
  table: "note",
  columns: new Map([
    ["id", "text"],
    ["created_by", "text"],
    ["created_by_id", "text"],
    ["team", "text"],
    ["_extra", "json"],
  ]),
  overflow: "_extra",
};
const OPERATIONS: Operation[] = ["create", "read", "update", "delete"];
const ACTORS: Actor[] = [
  { kind: "anonymous" },
  { kind: "user", user: { id: "u1", email: "u1@example.com", role: "user", is_verified: true, team: "ops" } },
  { kind: "user", user: { id: "a1", email: "a1@example.com", role: "admin", is_verified: true, team: "ops" } },
];

/** A condition that is malformed somewhere inside (what hand edits and typos produce). */
const badCondition: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  bad: fc.oneof(
    fc.constant({}),
    fc.constant({ user_condition: {} }),
    fc.record({ user_condition: fc.oneof(fc.constant(null), fc.constant([]), fc.string(), fc.constant({ role: {} })) }),
    fc.record({ $and: fc.constant([]) }),
    fc.record({
      $or: fc.oneof(fc.constant([]), fc.string(), fc.constant(null), fc.array(tie("bad"), { minLength: 1, maxLength: 2 })),
    }),
    fc.record({ $nor: fc.array(fc.oneof(tie("bad"), fc.constant(true), fc.string()), { minLength: 1, maxLength: 2 }) }),
    fc.record({ $where: fc.string() }),
    fc.record({ "data.team": fc.record({ $bogus: fc.jsonValue() }) }),
    fc.record({ "data.team": fc.constant({}) }),
    // Spread over well-formed keys, an empty `{}` would leave a well-formed condition: only a non-empty bad part stays bad.
    fc
      .tuple(
        tie("bad").filter((bad) => Object.keys(bad as object).length > 0),
        fc.dictionary(fc.constantFrom("created_by", "data.x"), fc.string(), { maxKeys: 2 }),
      )
      .map(([bad, ok]) => ({ ...ok, ...(bad as object) })),
  ),
})).bad;

/** A rule value that is not true, false or a well-formed condition. */
const badRuleValue = fc.oneof(
  fc.constant(null),
  fc.constant(""),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.constant([]),
  fc.array(fc.jsonValue(), { maxLength: 3 }),
  badCondition,
);

/** An `rls` block that is malformed: not an object, a misspelled operation, or a bad rule under a real one. */
const badRls = fc.oneof(
  fc.oneof(fc.constant(null), fc.constant([]), fc.string(), fc.integer(), fc.array(fc.jsonValue(), { maxLength: 3 })),
  fc
    .record({
      misspelled: fc.constantFrom("Read", "reads", "READ", "Create", "remove", "write ", "list", "rls"),
      value: fc.oneof(fc.boolean(), fc.jsonValue()),
    })
    .map(({ misspelled, value }) => ({ [misspelled]: value, create: true, read: true })),
  fc
    .record({ op: fc.constantFrom(...RULE_OPERATIONS), value: badRuleValue })
    .map(({ op, value }) => ({ create: true, read: true, update: true, delete: true, [op]: value })),
);

describe("the rule compiler fails closed", () => {
  it("a malformed rls block compiles to deny for every operation and every caller but the service role", () => {
    fc.assert(
      fc.property(badRls, (rls) => {
        expect(rlsProblems(rls).length).toBeGreaterThan(0);
        for (const op of OPERATIONS) {
          for (const actor of ACTORS) {
            const params = new SqlParams();
            expect(
              compileRule(SHAPE, rls as Record<string, unknown>, op, actor, params, "app"),
              JSON.stringify({ rls, op, actor: actor.kind }),
            ).toBe("false");
            expect(params.values).toEqual([]);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it("any JSON at all as a rules block either passes the grammar or denies", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (rls) => {
        if (rlsProblems(rls).length === 0) return;
        for (const actor of ACTORS)
          expect(compileRule(SHAPE, rls as Record<string, unknown>, "read", actor, new SqlParams(), "app")).toBe("false");
      }),
      { numRuns: 400 },
    );
  });

  it("a malformed field rule hides the field from everyone but the service role", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constant(null),
          fc.constant(""),
          fc.string(),
          fc.integer(),
          fc.constant([]),
          fc.constant({}),
          fc.constant({ user_condition: {} }),
          fc.record({ $and: fc.constant([]) }),
        ),
        (rule) => {
          for (const actor of ACTORS) expect(compileAccess(SHAPE, rule, actor, new SqlParams(), "app")).toBe("false");
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("templates are literals", () => {
  let server: TestServer;
  let client: pg.Client;
  const TEAMS = ["ops", "sales", "", "__none__", '{"$ne":1}'];

  beforeAll(async () => {
    server = await startTestServer();
    client = new pg.Client({ connectionString: await server.createDatabase("rule_property") });
    await client.connect();
    await client.query(`CREATE TABLE note (id text PRIMARY KEY, created_by text, created_by_id text, team text, _extra jsonb)`);
    for (const [i, team] of TEAMS.entries())
      await client.query(`INSERT INTO note (id, team, _extra) VALUES ($1, $2, '{}')`, [`n${i}`, team]);
    await client.query(`INSERT INTO note (id, team, _extra) VALUES ('nx', NULL, '{"team": {"$ne": 1}}')`);
  });
  afterAll(async () => {
    await client?.end();
    await server?.dispose();
  });

  it("whatever a user's team holds, `{{user.team}}` matches only notes whose team is exactly that value", async () => {
    await fc.assert(
      // Arrays are left out: Base44 reads an array value as "any of these" (query.ts), by design.
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue().filter((v) => !Array.isArray(v)),
          fc.constantFrom(...TEAMS),
          fc.constant({ $ne: "__none__" }),
          fc.constant({ $exists: true }),
          fc.constant({ $regex: ".*" }),
        ),
        async (team) => {
          const actor: Actor = { kind: "user", user: { id: "u1", email: "u1@example.com", is_verified: true, team } };
          for (const rule of [
            { "data.team": "{{user.team}}" },
            { team: { $eq: "{{user.team}}" } },
            { team: { $in: ["{{user.team}}"] } },
          ]) {
            const params = new SqlParams();
            const where = compileAccess(SHAPE, rule, actor, params, "app");
            const { rows } = await client.query<{ id: string }>(`SELECT id FROM note WHERE ${where} ORDER BY id`, params.values);
            // A string equals the notes with that team; an object is a value too, equal only to a note holding that very object.
            const expected =
              typeof team === "string"
                ? TEAMS.flatMap((t, i) => (t === team ? [`n${i}`] : []))
                : JSON.stringify(team) === JSON.stringify({ $ne: 1 })
                  ? ["nx"]
                  : [];
            expect(
              rows.map((r) => r.id),
              JSON.stringify({ team, rule }),
            ).toEqual(expected);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("a `$regex` rule on a template matches the user's value as plain text", async () => {
    const actor: Actor = { kind: "user", user: { id: "u1", email: "u1@example.com", is_verified: true, team: ".*" } };
    const params = new SqlParams();
    const where = compileAccess(SHAPE, { team: { $regex: "^{{user.team}}$" } }, actor, params, "app");
    expect((await client.query(`SELECT id FROM note WHERE ${where}`, params.values)).rows).toEqual([]);
  });
});
