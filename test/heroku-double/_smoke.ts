import { startHerokuDouble } from "./index";
import { call } from "./fetch";
async function main() {
  const d = await startHerokuDouble({ pageSize: 2 });
  console.log(d.urls);
  let r = await call(d, "POST", "/apps", { body: { name: "my-app" } });
  console.log(r.status, r.headers.get("request-id"), r.headers.get("ratelimit-remaining"), r.body);
  r = await call(d, "PATCH", "/apps/my-app/config-vars", { body: { FOO: "bar" } });
  console.log(r.status, r.body);
  r = await call(d, "POST", "/apps/my-app/addons", { body: { plan: "heroku-postgresql:essential-0" } });
  console.log(r.status, r.body);
  for (let i = 0; i < 4; i++) { r = await call(d, "GET", "/apps/my-app/config-vars"); console.log(r.status, r.body); }
  r = await call(d, "GET", "/apps/my-app/releases"); console.log(r.status, r.headers.get("next-range"), (r.body as unknown[]).length);
  r = await call(d, "GET", "/apps/my-app/releases", { headers: { Range: r.headers.get("next-range") ?? "" } }); console.log(r.status, r.headers.get("next-range"), r.body);
  r = await call(d, "GET", "/apps/my-app", { headers: { Accept: "application/json" } }); console.log(r.status, r.body);
  console.log(d.internalErrors, d.requests.length);
  await d.close();
}
main();
