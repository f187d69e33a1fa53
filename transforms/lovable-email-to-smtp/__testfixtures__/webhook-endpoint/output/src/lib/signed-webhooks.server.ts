ownit-fixture-include: template/signed-webhooks.server.ts
