// Backend functions, one route each (POST /api/apps/<appId>/functions/<name>). ownit writes this
// file from base44/functions/*/entry.ts; a function it could not convert is listed here with why.
import type { FunctionHandler } from "../service-client";

export const functions: Record<string, FunctionHandler> = {};

/** Functions left for the owner to port, with the reason (they answer 501 naming it). */
export const unconverted: Record<string, string> = {};
