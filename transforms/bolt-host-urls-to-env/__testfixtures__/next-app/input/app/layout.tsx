import type { Metadata } from 'next';
import './globals.css';

const baseUrl = 'https://invoice-hub-2b.bolt.host';

export const metadata: Metadata = {
  title: 'Invoices',
  metadataBase: new URL(baseUrl),
  openGraph: { url: `https://invoice-hub-2b.bolt.host/` },
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
