import type { Metadata } from 'next';
import './globals.css';
import { SITE_URL } from '../lib/site-url';

const baseUrl = SITE_URL;

export const metadata: Metadata = {
  title: 'Invoices',
  metadataBase: new URL(baseUrl),
  openGraph: { url: `${SITE_URL}/` },
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
