export const metadata = {
  title: 'Invoices',
  metadataBase: new URL(`${process.env.NEXT_PUBLIC_SITE_URL}/`),
};
