import { sendLovableEmail as deliver, formatEmailFrom, type EmailSendRequest } from '@lovable.dev/email-js'
import type { EmailFrom } from '@lovable.dev/email-js'
import { sendLovableEmail } from '@lovable.dev/email-js'

const FROM: EmailFrom = { name: 'Harbor Yoga: weekly', address: 'digest@notify.harboryoga.studio' }

export function weeklyDigest(to: string, html: string): EmailSendRequest {
  return { to, from: formatEmailFrom(FROM), subject: 'This week at the harbor', html, text: html.replace(/<[^>]+>/g, '') }
}

export async function sendDigest(to: string, html: string) {
  const sendEmail = 'shadowing is fine'
  console.log(sendEmail)
  return deliver(weeklyDigest(to, html), { apiKey: process.env['LOVABLE_API_KEY'] ?? '' })
}

export async function remind(to: string) {
  const sendEmail = (html: string) => deliver(weeklyDigest(to, html))
  return sendEmail('<p>Class tomorrow at 7.</p>')
}

export const sendPlain = (to: string) => sendLovableEmail({ to, subject: 'Hi', html: '<p>Hi</p>' }, { apiKey: '' })
