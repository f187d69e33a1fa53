// Everything a request or a CLI command needs, built once from the settings: the pool, the
// entity tables as the database has them, auth, storage, integrations and backend functions.
import type pg from "pg";
import { AuthService } from "./auth";
import { appConfig, confirmsAddresses, type Settings } from "./config";
import { createPool, readTableShapes } from "./db";
import { EntityStore } from "./entities";
import { functions } from "./functions/index";
import { Integrations } from "./integrations";
import type { Services } from "./service-client";
import { ensureServerSchema } from "./setup";
import { createStorage } from "./storage";

export async function createServices(settings: Settings): Promise<{ services: Services; pool: pg.Pool }> {
  const pool = createPool(settings.databaseUrl);
  try {
    const shapes = await readTableShapes(pool, appConfig);
    await ensureServerSchema(pool);
    const store = new EntityStore(pool, appConfig, shapes);
    const users = shapes.get(appConfig.userEntity);
    if (!users) throw new Error(`the user entity ${appConfig.userEntity} has no table`);
    const auth = new AuthService(pool, appConfig, users, store, settings.sessionDays, { sessionIdleHours: settings.sessionIdleHours, confirmedSignIn: confirmsAddresses(settings), ...settings.limits });
    const integrations = new Integrations(settings, createStorage(settings), pool, (email) => auth.userByEmail(email));
    return { services: { store, auth, integrations, functions }, pool };
  } catch (error) {
    await pool.end();
    throw error;
  }
}
