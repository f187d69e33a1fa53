import { sendEmail as deliver, formatEmailFrom, type EmailMessage } from '@/lib/smtp-email.server'
import type { EmailFrom } from '@/lib/smtp-email.server'
import { sendEmail as sendLovableEmail } from '@/lib/smtp-email.server'

const FROM: EmailFrom = { name: 'Harbor Yoga: weekly', address: 'digest@notify.harboryoga.studio' }

export function weeklyDigest(to: string, html: string): EmailMessage {
  return { to, from: formatEmailFrom(FROM), subject: 'This week at the harbor', html, text: html.replace(/<[^>]+>/g, '') }
}

export async function sendDigest(to: string, html: string) {
  const sendEmail = 'shadowing is fine'
  console.log(sendEmail)
  return deliver(weeklyDigest(to, html))
}

export async function remind(to: string) {
  const sendEmail = (html: string) => deliver(weeklyDigest(to, html))
  return sendEmail('<p>Class tomorrow at 7.</p>')
}

export const sendPlain = (to: string) => sendLovableEmail({ to, subject: 'Hi', html: '<p>Hi</p>' })
