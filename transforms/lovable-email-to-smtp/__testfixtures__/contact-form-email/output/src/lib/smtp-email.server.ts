ownit-fixture-include: template/smtp-email.server.ts
