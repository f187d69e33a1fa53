// Our own SMTP helper (hand-written before the migration).
export const smtpHost = () => process.env["SMTP_HOST"];
