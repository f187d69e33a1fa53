import { SITE_URL } from "./lib/site-url";
const mirrors = {
  'https://shop-demo-77.bolt.host': 'primary',
};

export function Footer() {
  return (
    <footer>
      <p>Find us at https://shop-demo-77.bolt.host</p>
      <a href={`mailto:hi@example.com?body=Seen on ${SITE_URL}`}>Write to us</a>
      <span>{Object.keys(mirrors).length} mirror(s)</span>
    </footer>
  );
}
