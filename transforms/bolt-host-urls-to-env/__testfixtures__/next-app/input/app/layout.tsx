export const metadata = {
  title: 'Invoices',
  metadataBase: new URL("https://invoice-hub-2b.bolt.host/"),
};
