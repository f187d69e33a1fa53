// railway.json: build with the Dockerfile, health-check the image's port, restart on failure.
// Railway passes a service's variables to the Docker build, where the Dockerfile's ARGs read them.
import { RAILWAY_HEALTHCHECK_TIMEOUT_SECONDS, RAILWAY_RESTART, RAILWAY_SCHEMA } from "../defaults";
import type { DeployProject } from "../project";

export function railwayJson(p: DeployProject): string {
  const config = {
    $schema: RAILWAY_SCHEMA,
    build: { builder: "DOCKERFILE", dockerfilePath: "Dockerfile" },
    deploy: {
      healthcheckPath: p.healthPath,
      healthcheckTimeout: RAILWAY_HEALTHCHECK_TIMEOUT_SECONDS,
      restartPolicyType: RAILWAY_RESTART.type,
      restartPolicyMaxRetries: RAILWAY_RESTART.maxRetries,
    },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
