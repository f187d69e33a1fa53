import nodemailer from "nodemailer";

export const sendEmail = (to: string, subject: string, html: string) =>
  nodemailer.createTransport(process.env.SMTP_URL).sendMail({ to, subject, html });
