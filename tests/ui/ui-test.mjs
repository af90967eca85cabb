/* Browser test of slicerd's web page (slicer/ui), run by
 * tests/slicer/test-ui.sh on a slicerd that holds the SFC demo NS 'web'
 * (netns VIM), the eMBB slice 'embb-1' (sim VIM), the NS 'broken' whose
 * instantiation failed, and the eMBB slice 'embb-b' whose core subnet a
 * second slicerd (domain B, an NSSMF) provides through the NSSMF account
 * 'domain-b' (3GPP dialect).  Debian's Chromium, headless, through
 * playwright-core: log in, open every view, assert on what is drawn (text,
 * element counts, the topology's geometry, a chain's counter growing with
 * traffic sent from the client's namespace), act through the page with
 * its confirmation (cancel once; instantiate; a refused terminate shows
 * the API's error; terminate an NS and embb-1, checked with the API),
 * a revoked token and the logout back to the login form; screenshots of
 * each view, checked not blank.  embb-b's remote subnet is checked as
 * drawn against slicerd's own record of it, read through the API.
 *
 * Environment: SLICER_UI_URL (http://HOST:PORT/ui), SLICER_UI_USER,
 * SLICER_UI_PASSWORD, SLICER_UI_SHOTS (a directory for the screenshots),
 * SLICER_UI_CLIENT_NS (the SFC client's network namespace),
 * SLICER_UI_HTTP_TARGET (a URL through the chain), SLICER_UI_CHROMIUM
 * (default /usr/bin/chromium).  Exits 0 when every check passed, 1
 * otherwise, naming each failed check. */
import {chromium} from 'playwright-core';
import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import fs from 'node:fs';
import path from 'node:path';

const run = promisify(execFile);

function need(name) {
    const v = process.env[name];
    if (!v) {
        console.error(`ui-test: ${name} is not set`);
        process.exit(2);
    }
    return v;
}
const pageUrl = need('SLICER_UI_URL');
const user = need('SLICER_UI_USER');
const password = need('SLICER_UI_PASSWORD');
const shots = need('SLICER_UI_SHOTS');
const clientNs = need('SLICER_UI_CLIENT_NS');
const httpTarget = need('SLICER_UI_HTTP_TARGET');
const chromiumPath = process.env.SLICER_UI_CHROMIUM || '/usr/bin/chromium';
const origin = new URL(pageUrl).origin;
const VIEWPORT = {width: 1400, height: 900};
const T = 15000; /* ms: the longest wait for anything the page shows */

let passed = 0;
let failed = 0;
const t0 = Date.now();

/* check(what, ok, got): a soft assertion, counted; must(): one the rest
 * depends on (throws). */
function check(what, ok, got) {
    if (ok) {
        passed++;
    } else {
        failed++;
        console.log(
            `FAIL: ${what}` +
                (got === undefined ? '' : ` (got ${JSON.stringify(got)})`),
        );
    }
    return ok;
}
class Stop extends Error {}
function must(what, ok, got) {
    if (!check(what, ok, got)) {
        throw new Stop(what);
    }
}
const eq = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* until(fn, ms): fn's first truthy answer, or null after ms. */
async function until(fn, ms = T) {
    const end = Date.now() + ms;
    for (;;) {
        let v = null;
        try {
            v = await fn();
        } catch (e) {
            v = null;
        }
        if (v) {
            return v;
        }
        if (Date.now() > end) {
            return null;
        }
        await sleep(100);
    }
}

/* The API, as the test sees it, with a token of its own. */
let apiToken = null;
async function api(method, p, body, token = apiToken) {
    const headers = {Accept: 'application/json'};
    if (token) {
        headers.Authorization = 'Bearer ' + token;
    }
    if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
    }
    const r = await fetch(origin + '/osm' + p, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    let json = null;
    try {
        json = text ? JSON.parse(text) : null;
    } catch (e) {
        json = null;
    }
    return {status: r.status, json};
}
const nsByName = async (name) =>
    ((await api('GET', '/nslcm/v1/ns_instances')).json || []).find(
        (n) => n.name === name,
    );

async function traffic(n) {
    const codes = [];
    for (let i = 0; i < n; i++) {
        try {
            const {stdout} = await run('ip', [
                'netns',
                'exec',
                clientNs,
                'curl',
                '-s',
                '-m',
                '3',
                '-o',
                '/dev/null',
                '-w',
                '%{http_code}',
                httpTarget,
            ]);
            codes.push(stdout.trim());
        } catch (e) {
            codes.push(String(e.stdout || e.message).trim());
        }
    }
    return codes;
}

const shotFiles = [];
async function shot(page, name) {
    const file = path.join(shots, name + '.png');
    await page.screenshot({path: file});
    shotFiles.push(file);
}

/* A screenshot is not blank: a minimum size, other bytes than the
 * screenshot of an empty page, and, decoded in the browser, enough pixels
 * that differ from the empty page's and enough colours. */
async function checkShots(browser, blankFile) {
    const blank = fs.readFileSync(blankFile);
    const page = await browser.newPage({viewport: VIEWPORT});
    await page.setContent('<canvas id="c"></canvas>');
    const measure = (png) =>
        page.evaluate(async (b64) => {
            const img = new Image();
            img.src = 'data:image/png;base64,' + b64;
            await img.decode();
            const c = document.getElementById('c');
            c.width = img.width;
            c.height = img.height;
            const ctx = c.getContext('2d');
            ctx.drawImage(img, 0, 0);
            const px = ctx.getImageData(0, 0, img.width, img.height).data;
            /* 'inked': the share of pixels not of the commonest colour
             * (the background) */
            const counts = new Map();
            for (let i = 0; i < px.length; i += 4) {
                const c = (px[i] << 16) | (px[i + 1] << 8) | px[i + 2];
                counts.set(c, (counts.get(c) || 0) + 1);
            }
            const background = Math.max(...counts.values());
            return {
                w: img.width,
                h: img.height,
                colours: counts.size,
                inked: 1 - background / (px.length / 4),
            };
        }, png.toString('base64'));
    const empty = await measure(blank);
    check(
        "the empty page's screenshot is blank",
        empty.inked < 0.001 && empty.colours <= 2,
        empty,
    );
    for (const f of shotFiles) {
        const png = fs.readFileSync(f);
        const m = await measure(png);
        const name = path.basename(f);
        check(`${name}: at least 10 kB`, png.length >= 10000, png.length);
        check(`${name}: not the empty page`, !png.equals(blank));
        check(
            `${name}: ${VIEWPORT.width}x${VIEWPORT.height}`,
            m.w === VIEWPORT.width && m.h === VIEWPORT.height,
            [m.w, m.h],
        );
        check(`${name}: over 3% of its pixels drawn`, m.inked > 0.03, m.inked);
        check(`${name}: over 20 colours`, m.colours > 20, m.colours);
    }
    await page.close();
}

const texts = (loc) =>
    loc.evaluateAll((els) => els.map((e) => e.textContent.trim()));
const attrs = (loc, a) =>
    loc.evaluateAll((els, a) => els.map((e) => e.getAttribute(a)), a);

let page = null;
async function main(browser) {
    const context = await browser.newContext({viewport: VIEWPORT});
    page = await context.newPage();
    page.setDefaultTimeout(T);

    /* Every request the page makes, and every token it is given. */
    const requests = [];
    const tokens = [];
    const pageErrors = [];
    page.on('request', (r) =>
        requests.push({
            url: r.url(),
            method: r.method(),
            headers: r.headers(),
        }),
    );
    page.on('response', async (r) => {
        if (
            r.url() === origin + '/osm/admin/v1/tokens' &&
            r.request().method() === 'POST' &&
            r.ok()
        ) {
            try {
                tokens.push((await r.json()).id);
            } catch (e) {
                /* no body */
            }
        }
    });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => {
        if (
            m.type() === 'error' &&
            !/Failed to load resource/.test(m.text())
        ) {
            pageErrors.push(m.text());
        }
    });

    const login = (
        await api('POST', '/admin/v1/tokens', {username: user, password}, null)
    ).json;
    must('the test logs in to the API', login && login.id);
    apiToken = login.id;

    /* the empty page, for the blank check */
    await page.goto('about:blank');
    await page.screenshot({path: path.join(shots, 'empty.png')});

    /* ---- login ---- */
    await page.goto(pageUrl);
    check(
        'GET /ui lands on /ui/index.html',
        page.url() === origin + '/ui/index.html',
        page.url(),
    );
    await page.locator('#login-form').waitFor({state: 'visible'});
    check(
        'the login form is shown, the views are not',
        await page.locator('#top').isHidden(),
    );
    await shot(page, 'login');
    await page.fill('#login-username', user);
    await page.fill('#login-password', 'not-the-password');
    await page.click('#login-submit');
    check(
        'a wrong password is told',
        await until(async () =>
            /Wrong username or password/.test(
                await page.textContent('#login-error'),
            ),
        ),
    );
    check(
        '... and no token is kept',
        (await page.evaluate(() => sessionStorage.length)) === 0,
    );
    await page.fill('#login-password', password);
    await page.click('#login-submit');
    must(
        'logged in: the slices view is shown',
        await until(() => page.locator('section.view-slices').isVisible()),
    );
    const session = await page.evaluate(() => ({
        token: sessionStorage.getItem('slicer.token'),
        local: localStorage.length,
        cookie: document.cookie,
        url: location.href,
    }));
    check(
        'the token is in sessionStorage',
        typeof session.token === 'string' && session.token.length > 8,
    );
    check(
        'nothing in localStorage or cookies',
        session.local === 0 && session.cookie === '',
        session,
    );
    check(
        "the token is not in the page's URL",
        !session.url.includes(session.token),
        session.url,
    );
    check(
        'the user is named in the bar',
        (await page.textContent('#who')) === user,
    );
    await page.reload();
    check(
        "a reload keeps the session (the tab's sessionStorage)",
        (await until(() => page.locator('section.view-slices').isVisible())) &&
            (await page.locator('#login').isHidden()),
    );

    /* ---- slices ---- */
    const slice = page.locator('tr.slice[data-name="embb-1"]');
    await slice.waitFor();
    const sliceNames = await attrs(page.locator('tr.slice'), 'data-name');
    check(
        "two slice rows, in the order made: embb-1, embb-b",
        eq(sliceNames, ['embb-1', 'embb-b']),
        sliceNames,
    );
    const sn = (await slice.locator('.snssai').textContent())
        .replace(/\s+/g, ' ')
        .trim();
    check(
        'its S-NSSAI: SST 1 (eMBB), SD 000001',
        sn === 'SST 1 (eMBB) SD 000001',
        sn,
    );
    check(
        'its state: INSTANTIATED',
        (await slice.locator('td.state .badge').textContent()) ===
            'INSTANTIATED',
    );
    check(
        '... running',
        (await slice.locator('.opstatus').textContent()) === 'running',
    );
    check(
        'its three subnets in order, none remote',
        eq(await attrs(slice.locator('li.subnet'), 'data-nss'), [
            'ran-edge',
            'transport',
            'core',
        ]) && (await slice.locator('li.subnet.remote').count()) === 0,
        await attrs(slice.locator('li.subnet'), 'data-nss'),
    );
    check(
        'each local subnet links its NS by name',
        eq(await texts(slice.locator('li.subnet a')), [
            'embb-1.ran-edge',
            'embb-1.transport',
            'embb-1.core',
        ]),
        await texts(slice.locator('li.subnet a')),
    );
    check(
        'the core is shared, the others are not',
        eq(
            await slice
                .locator('li.subnet')
                .evaluateAll((ls) => ls.map((l) => !!l.querySelector('.tag'))),
            [false, false, true],
        ),
    );

    /* embb-b: its core delegated to domain B (the second slicerd), drawn
     * as slicerd's record has it */
    const delegated = page.locator('tr.slice[data-name="embb-b"]');
    const delegatedNsi = (
        (await api('GET', '/nsilcm/v1/netslice_instances')).json || []
    ).find((n) => n.name === 'embb-b');
    const remoteRec = ((delegatedNsi || {})._admin || {})['remote-subnets'];
    must(
        "the API has embb-b, its core at 'domain-b' (3gpp), ALLOCATED",
        Array.isArray(remoteRec) &&
            remoteRec.length === 1 &&
            remoteRec[0]['nss-id'] === 'core' &&
            remoteRec[0]['account-name'] === 'domain-b' &&
            remoteRec[0].dialect === '3gpp' &&
            remoteRec[0].state === 'ALLOCATED',
        remoteRec,
    );
    const rs = remoteRec[0];
    check(
        'embb-b: its state, INSTANTIATED, running',
        (await delegated.locator('td.state .badge').textContent()) ===
            'INSTANTIATED' &&
            (await delegated.locator('.opstatus').textContent()) === 'running',
    );
    check(
        'embb-b: its local subnets, then the remote core',
        eq(await attrs(delegated.locator('li.subnet'), 'data-nss'), [
            'ran-edge',
            'transport',
            'core',
        ]) &&
            eq(
                await attrs(delegated.locator('li.subnet.remote'), 'data-nss'),
                ['core'],
            ),
        await attrs(delegated.locator('li.subnet'), 'data-nss'),
    );
    check(
        'embb-b: its local subnets link their NSs, the remote one none',
        eq(await texts(delegated.locator('li.subnet a')), [
            'embb-b.ran-edge',
            'embb-b.transport',
        ]) && (await delegated.locator('li.subnet.remote a').count()) === 0,
        await texts(delegated.locator('li.subnet a')),
    );
    const remote = delegated.locator('li.subnet.remote');
    const remoteText = (await remote.textContent()).replace(/\s+/g, ' ');
    const remoteWant =
        `${rs['nss-id']} at ${rs['account-name']} (${rs.dialect})` +
        (rs.shared ? 'shared' : '') +
        rs.state;
    check(
        `the remote subnet as the record has it: ${remoteWant}`,
        remoteText === remoteWant,
        remoteText,
    );
    check(
        '... its account by name, not by id',
        (await remote.locator('.account').textContent()) ===
            rs['account-name'] && rs['account-name'] !== rs.account,
    );
    check(
        '... its state in its badge',
        (await remote.locator('.badge').getAttribute('data-state')) ===
            rs.state,
    );
    check(
        '... shared (the NST says so) as the record has it',
        (await remote.locator('.tag').count()) === (rs.shared ? 1 : 0),
    );
    check(
        'the nav marks Slices',
        (await page.locator('#nav a.active').textContent()) === 'Slices',
    );
    await shot(page, 'slices');

    /* ---- network services ---- */
    await page.click('#nav a[data-view="ns"]');
    const web = page.locator('tr.ns[data-name="web"]');
    await web.waitFor();
    const names = (await attrs(page.locator('tr.ns'), 'data-name')).sort();
    check(
        "the seven NSs listed (embb-b's core is at B, not here)",
        eq(names, [
            'broken',
            'embb-1.core',
            'embb-1.ran-edge',
            'embb-1.transport',
            'embb-b.ran-edge',
            'embb-b.transport',
            'web',
        ]),
        names,
    );
    check(
        'web: READY',
        (await web.locator('td.state').textContent()) === 'READY',
    );
    check(
        'web: running, configured',
        (await web.locator('td.opstatus').textContent()) === 'running' &&
            (await web.locator('td.configstatus').textContent()) ===
                'configured',
    );
    check(
        'web: its VLs, mgmt and data',
        eq(await web.locator('ul.vls .vl-name').allTextContents(), [
            'mgmt',
            'data',
        ]),
        await web.locator('ul.vls .vl-name').allTextContents(),
    );
    check(
        "web: data's CIDR",
        (await web.locator('ul.vls li').nth(1).textContent()) ===
            'data 10.10.0.0/24',
    );
    check(
        'web: one chain',
        (await web.locator('a', {hasText: 'Chains'}).textContent()) ===
            'Chains (1)',
    );
    check(
        "the slices' NSs have no chain to show",
        (await page
            .locator('tr.ns[data-name^="embb-"]')
            .locator('a', {hasText: 'Chains'})
            .count()) === 0,
    );
    const broken = page.locator('tr.ns[data-name="broken"]');
    check(
        'broken: NOT_INSTANTIATED, failed',
        (await broken.locator('td.state').textContent()) ===
            'NOT_INSTANTIATED' &&
            (await broken.locator('td.opstatus').textContent()) === 'failed',
    );
    check(
        "broken: the VIM's error",
        /create_compute: injected failure/.test(
            await broken.locator('td.detail').textContent(),
        ),
    );
    await until(() =>
        page.locator('#instantiate-form[data-ready="true"]').count(),
    );
    await shot(page, 'ns');

    /* ---- topology of web ---- */
    await web.locator('a', {hasText: 'Topology'}).click();
    const topo = page.locator('svg.topology');
    await topo.waitFor();
    check(
        'topology: the NS is named',
        (await page.textContent('.ns-head .ns-name')) === 'web',
    );
    check(
        "topology: 4 VNF boxes in the NS's order",
        eq(await attrs(topo.locator('g.vnf'), 'data-member'), [
            'client',
            'server',
            'firewall',
            'monitor',
        ]),
        await attrs(topo.locator('g.vnf'), 'data-member'),
    );
    check(
        'topology: 4 VDU nodes, one in each VNF',
        eq(
            await topo
                .locator('g.vnf')
                .evaluateAll((vs) =>
                    vs.map((v) => v.querySelectorAll('g.vdu').length),
                ),
            [1, 1, 1, 1],
        ),
    );
    check(
        'topology: every VDU ACTIVE',
        eq(await topo.locator('g.vdu .vdu-status').allTextContents(), [
            'ACTIVE',
            'ACTIVE',
            'ACTIVE',
            'ACTIVE',
        ]),
    );
    check(
        'topology: 2 VL nodes, mgmt and data',
        eq(await attrs(topo.locator('g.vl'), 'data-vl'), ['mgmt', 'data']),
        await attrs(topo.locator('g.vl'), 'data-vl'),
    );
    check(
        'topology: 10 edges, one per interface',
        (await topo.locator('line.edge').count()) === 10,
        await topo.locator('line.edge').count(),
    );
    check(
        'topology: 4 edges to mgmt, 6 to data',
        (await topo.locator('line.edge[data-vl="mgmt"]').count()) === 4 &&
            (await topo.locator('line.edge[data-vl="data"]').count()) === 6,
    );
    check(
        "topology: the firewall's in and out are on data",
        eq(
            await attrs(
                topo.locator(
                    'line.edge[data-member="firewall"][data-vl="data"]',
                ),
                'data-iface',
            ),
            ['in', 'out'],
        ),
    );
    const labels = await topo.locator('text.edge-label').allTextContents();
    check(
        "topology: the client's and server's data addresses drawn",
        labels.includes('10.10.0.10') && labels.includes('10.10.0.20'),
        labels,
    );
    check(
        "topology: the data VL's CIDR drawn",
        (await topo.locator('g.vl[data-vl="data"]').textContent()).includes(
            '10.10.0.0/24',
        ),
    );
    /* every edge goes from a port on its VDU's box to its VL's bar */
    const geometry = await topo.evaluate((s) =>
        [...s.querySelectorAll('line.edge')].map((l) => {
            const n = (e, a) => parseFloat(e.getAttribute(a));
            const vnf = [...s.querySelectorAll('g.vnf')].find(
                (g) => g.dataset.member === l.dataset.member,
            );
            const vdu = [...vnf.querySelectorAll('g.vdu')].find(
                (g) => g.dataset.vdu === l.dataset.vdu,
            );
            const box = vdu.querySelector('rect');
            const bar = [...s.querySelectorAll('g.vl')]
                .find(
                    (g) =>
                        g.dataset.vl === l.dataset.vl &&
                        (!g.classList.contains('internal') ||
                            g.dataset.member === l.dataset.member),
                )
                .querySelector('rect');
            const x = n(l, 'x1');
            return (
                x > n(box, 'x') &&
                x < n(box, 'x') + n(box, 'width') &&
                Math.abs(n(l, 'y1') - (n(box, 'y') + n(box, 'height'))) <
                    0.5 &&
                x >= n(bar, 'x') &&
                x <= n(bar, 'x') + n(bar, 'width') &&
                n(l, 'y2') >= n(bar, 'y') &&
                n(l, 'y2') <= n(bar, 'y') + n(bar, 'height')
            );
        }),
    );
    check(
        'topology: each edge runs from its VDU to its VL',
        geometry.length === 10 && geometry.every(Boolean),
        geometry,
    );
    check(
        'topology: the interfaces table, one row per interface',
        (await page.locator('table.interfaces tbody tr').count()) === 10,
    );
    await shot(page, 'topology');

    /* ---- topology of the slice's core: an internal VL ---- */
    const core = await nsByName('embb-1.core');
    must('the API has embb-1.core', core);
    await page.goto(`${origin}/ui/index.html#/ns/${core._id}`);
    await until(
        async () =>
            (await page.textContent('.ns-head .ns-name')) === 'embb-1.core',
    );
    await topo.waitFor();
    check(
        'core: one VNF (5gc) of two VDUs',
        eq(await attrs(topo.locator('g.vnf'), 'data-member'), ['5gc']) &&
            (await topo.locator('g.vdu').count()) === 2,
    );
    check(
        'core: 3 NS VLs and the internal sbi',
        eq(await attrs(topo.locator('g.vl:not(.internal)'), 'data-vl'), [
            'mgmt',
            'n3',
            'n6',
        ]) &&
            eq(await attrs(topo.locator('g.vl.internal'), 'data-vl'), ['sbi']),
    );
    check(
        'core: 5 edges, 2 of them on sbi',
        (await topo.locator('line.edge').count()) === 5 &&
            (await topo.locator('line.edge[data-vl="sbi"]').count()) === 2,
    );
    await shot(page, 'topology-core');

    /* ---- web's chain, live ---- */
    await page.goBack();
    await until(
        async () => (await page.textContent('.ns-head .ns-name')) === 'web',
    );
    await page.locator('.ns-head a', {hasText: 'Chains'}).click();
    const chain = page.locator('section.chain[data-chain="web-path"]');
    await chain.waitFor();
    check(
        'chains: one chain, web-path, ACTIVE',
        (await page.locator('section.chain').count()) === 1 &&
            (await chain.locator('h2 .badge').textContent()) === 'ACTIVE',
    );
    check(
        'chains: the hops in order',
        eq(await attrs(chain.locator('.hop'), 'data-hop'), [
            'firewall-hop',
            'monitor-hop',
        ]),
        await attrs(chain.locator('.hop'), 'data-hop'),
    );
    check(
        'chains: numbered 1, 2',
        eq(await chain.locator('.hop .hop-num').allTextContents(), ['1', '2']),
    );
    check(
        'chains: each hop names its SF',
        eq(await chain.locator('.hop .sfis').allTextContents(), [
            'firewall',
            'monitor',
        ]),
    );
    check(
        'chains: from the client, then the hops, then delivered',
        eq(
            await chain
                .locator('.flow > div')
                .evaluateAll((ds) => ds.map((d) => d.className)),
            [
                'endpoint source',
                'arrow',
                'hop',
                'arrow',
                'hop',
                'arrow',
                'endpoint delivered',
            ],
        ),
    );
    check(
        'chains: no counters error',
        (await chain.locator('.counters-error').count()) === 0,
    );
    const fwPackets = () =>
        chain
            .locator('.hop[data-hop="firewall-hop"] .counter.forward')
            .getAttribute('data-packets')
            .then(Number);
    const deliveredPackets = () =>
        chain
            .locator('.delivered .counter.forward')
            .getAttribute('data-packets')
            .then(Number);
    const before = await fwPackets();
    const deliveredBefore = await deliveredPackets();
    const chainGets = () =>
        requests.filter((r) => r.url.endsWith('/chains')).length;
    const getsBefore = chainGets();
    const codes = await traffic(3);
    check(
        'traffic: HTTP through the chain answered 200 three times',
        eq(codes, ['200', '200', '200']),
        codes,
    );
    const after = await until(async () => {
        const n = await fwPackets();
        return n > before ? n : null;
    });
    check(
        "chains: the firewall hop's counter grew, the page not reloaded",
        after !== null,
        [before, after],
    );
    check(
        'chains: the delivered counter grew',
        await until(async () => (await deliveredPackets()) > deliveredBefore),
    );
    check(
        'chains: counters read again every 2 s',
        chainGets() - getsBefore >= 1,
        chainGets() - getsBefore,
    );
    await shot(page, 'chains');

    /* ---- actions on NSs ---- */
    await page.click('#nav a[data-view="ns"]');
    await web.waitFor();
    const opsCount = async () =>
        ((await api('GET', '/nslcm/v1/ns_lcm_op_occs')).json || []).length;
    const opsBefore = await opsCount();
    await web.locator('button.terminate').click();
    const dialog = page.locator('dialog#confirm');
    await dialog.waitFor({state: 'visible'});
    check(
        'terminate asks first, naming the NS',
        (await page.textContent('#confirm-title')) === "Terminate NS 'web'?",
    );
    await shot(page, 'confirm');
    await page.click('#confirm-cancel');
    check('cancel closes the dialog', await until(() => dialog.isHidden()));
    await sleep(1000);
    const webNow = await nsByName('web');
    check(
        'cancelled: web is still there, READY',
        webNow && webNow.nsState === 'READY',
    );
    check(
        'cancelled: no operation was started',
        (await opsCount()) === opsBefore,
    );
    check(
        'cancelled: no terminate request was sent',
        !requests.some(
            (r) => r.method === 'POST' && r.url.includes('/terminate'),
        ),
    );

    /* instantiate through the page, under a name that is markup */
    const evil = '<img src=x onerror=window.__pwned=1>';
    await page.fill('#inst-name', evil);
    await page.selectOption('#inst-nsd', {label: 'slicer-netns-demo-ns'});
    await page.selectOption('#inst-vim', {label: 'sim-1 (sim)'});
    await page.click('#inst-submit');
    await dialog.waitFor({state: 'visible'});
    check(
        'instantiate asks first',
        (await page.textContent('#confirm-text')).includes('sim-1 (sim)'),
    );
    await page.click('#confirm-ok');
    check(
        'instantiate: the page says it started',
        await until(async () =>
            /Instantiating NS '<img src=x onerror=window.__pwned=1>': operation [0-9a-f-]{36} started/.test(
                await page.textContent('#notice'),
            ),
        ),
    );
    const made = page
        .locator('tr.ns')
        .filter({has: page.locator('td.name a', {hasText: evil})});
    check(
        'the new NS shows READY',
        await until(
            async () =>
                (await made.locator('td.state').textContent()) === 'READY',
        ),
    );
    const madeNs = await nsByName(evil);
    check('the API has it, READY', madeNs && madeNs.nsState === 'READY');
    check(
        'its name is drawn as text, not markup',
        (await page.locator('#view img').count()) === 0 &&
            (await page.evaluate(() => window.__pwned === undefined)),
    );

    /* a refused terminate: the API's error, shown */
    await broken.locator('button.terminate').click();
    await dialog.waitFor({state: 'visible'});
    await page.click('#confirm-ok');
    check(
        "a refused terminate shows the API's error",
        await until(
            async () =>
                (await page.locator('#error').isVisible()) &&
                (await page.textContent('#error-text')) ===
                    "409 CONFLICT: ns 'broken' is not instantiated: cannot terminate it",
        ),
        await page.textContent('#error-text'),
    );
    await shot(page, 'error');
    await page.click('#error-close');

    /* ---- operations, live ---- */
    await page.click('#nav a[data-view="ops"]');
    const ops = page.locator('tr.op');
    await ops.first().waitFor();
    const webOp = page.locator(
        'tr.op[data-kind="NS"][data-type="instantiate"][data-target="web"]',
    );
    check(
        "ops: web's instantiate COMPLETED",
        (await webOp.getAttribute('data-state')) === 'COMPLETED',
    );
    const prog = await webOp
        .locator('.progress')
        .evaluate((p) => [p.dataset.done, p.dataset.total]);
    check(
        'ops: ... with all its steps done',
        prog[0] === prog[1] && Number(prog[0]) > 0,
        prog,
    );
    const failedOp = page.locator('tr.op[data-target="broken"]');
    check(
        "ops: broken's instantiate FAILED",
        (await failedOp.getAttribute('data-state')) === 'FAILED',
    );
    const ferr = await failedOp.locator('td.error-text').textContent();
    check(
        'ops: ... with its error',
        /^broken-.*: vim 'sim-broken': create_compute: injected failure \(call 1\)$/.test(
            ferr,
        ),
        ferr,
    );
    const fprog = await failedOp
        .locator('.progress')
        .evaluate((p) => [p.dataset.done, p.dataset.total]);
    check(
        'ops: ... and its progress short of done',
        Number(fprog[0]) < Number(fprog[1]),
        fprog,
    );
    const sliceOps = await page
        .locator('tr.op[data-kind="Slice"]')
        .evaluateAll((rows) =>
            rows
                .map(
                    (r) =>
                        `${r.dataset.type} ${r.dataset.target} ${r.dataset.state}`,
                )
                .sort(),
        );
    check(
        "ops: the two slices' instantiates, COMPLETED",
        eq(sliceOps, [
            'instantiate embb-1 COMPLETED',
            'instantiate embb-b COMPLETED',
        ]),
        sliceOps,
    );
    check(
        "ops: the page-made NS's instantiate",
        (await page
            .locator('tr.op[data-type="instantiate"]')
            .filter({hasText: evil})
            .count()) === 1,
    );
    const nsd = ((await api('GET', '/nsd/v1/ns_descriptors')).json || []).find(
        (d) => d.id === 'slicer-netns-demo-ns',
    );
    const apiMade = await api('POST', '/nslcm/v1/ns_instances_content', {
        nsName: 'api-made',
        nsdId: nsd._id,
        vimAccountId: 'sim-1',
    });
    check('the API instantiates api-made', apiMade.status === 201, apiMade);
    check(
        'ops: its operation appears without a reload',
        await until(
            async () =>
                (await page
                    .locator('tr.op[data-target="api-made"]')
                    .getAttribute('data-state')) === 'COMPLETED',
        ),
    );
    await shot(page, 'operations');

    /* ---- terminate an NS and the slice through the page ---- */
    await page.click('#nav a[data-view="ns"]');
    await made.waitFor();
    await made.locator('button.terminate').click();
    await dialog.waitFor({state: 'visible'});
    await page.click('#confirm-ok');
    check(
        'terminate: the page says it started',
        await until(async () =>
            /^Terminating NS '<img src=x onerror=window.__pwned=1>': operation [0-9a-f-]{36} started\.$/.test(
                await page.textContent('#notice'),
            ),
        ),
    );
    check(
        'terminate: the API no longer has the NS',
        await until(
            async () =>
                (await api('GET', `/nslcm/v1/ns_instances/${madeNs._id}`))
                    .status === 404,
        ),
    );
    check(
        'terminate: its row is gone',
        await until(async () => (await made.count()) === 0),
    );
    const term = page.locator('tr.op[data-type="terminate"]');
    await page.click('#nav a[data-view="ops"]');
    check(
        'ops: its terminate COMPLETED',
        await until(
            async () =>
                (await term
                    .filter({hasText: evil})
                    .getAttribute('data-state')) === 'COMPLETED',
        ),
    );

    await page.click('#nav a[data-view="slices"]');
    await slice.waitFor();
    await slice.locator('button.terminate').click();
    await dialog.waitFor({state: 'visible'});
    check(
        'slice terminate asks first',
        (await page.textContent('#confirm-title')) ===
            "Terminate slice 'embb-1'?",
    );
    await page.click('#confirm-ok');
    const nsi = async () =>
        ((await api('GET', '/nsilcm/v1/netslice_instances')).json || []).find(
            (n) => n.name === 'embb-1',
        );
    check(
        'slice terminate: the API has it terminated',
        await until(async () => {
            const n = await nsi();
            return (
                !n ||
                n._admin.nsiState === 'TERMINATED' ||
                n._admin.nsiState === 'NOT_INSTANTIATED'
            );
        }),
    );
    check(
        'slice terminate: its NSs are not instantiated',
        await until(
            async () =>
                ((await nsByName('embb-1.core')) || {}).nsState ===
                'NOT_INSTANTIATED',
        ),
    );
    check(
        'slice terminate: the page follows',
        await until(
            async () =>
                (await slice.count()) === 0 ||
                ['TERMINATED', 'NOT_INSTANTIATED'].includes(
                    await slice.locator('td.state .badge').textContent(),
                ),
        ),
    );
    check(
        "ops: the slice's terminate COMPLETED",
        (await until(async () => {
            await page.click('#nav a[data-view="ops"]');
            return (
                (await page
                    .locator(
                        'tr.op[data-kind="Slice"][data-type="terminate"][data-target="embb-1"]',
                    )
                    .getAttribute('data-state', {timeout: 2500})) ===
                'COMPLETED'
            );
        })) !== null,
    );
    check(
        'no POST to terminate web was ever sent',
        !requests.some(
            (r) =>
                r.method === 'POST' &&
                r.url.includes(
                    `/ns_instances/${webNow && webNow._id}/terminate`,
                ),
        ),
    );

    /* ---- a revoked token: back to the login form ---- */
    await page.click('#nav a[data-view="ops"]');
    await ops.first().waitFor();
    const pageToken = await page.evaluate(() =>
        sessionStorage.getItem('slicer.token'),
    );
    const revoke = await api(
        'DELETE',
        '/admin/v1/tokens',
        undefined,
        pageToken,
    );
    check(
        "the page's token revoked behind its back",
        revoke.status === 204,
        revoke.status,
    );
    check(
        'a 401 brings the login form back',
        await until(() => page.locator('#login-form').isVisible(), 6000),
    );
    check(
        '... saying why',
        /session has ended/.test(await page.textContent('#login-error')),
    );
    check(
        '... and forgets the token',
        (await page.evaluate(() => sessionStorage.length)) === 0,
    );
    await page.fill('#login-username', user);
    await page.fill('#login-password', password);
    await page.click('#login-submit');
    check(
        'logging in again returns to the view',
        await until(() => page.locator('section.view-ops').isVisible()),
    );

    /* ---- log out ---- */
    const last = await page.evaluate(() =>
        sessionStorage.getItem('slicer.token'),
    );
    await page.click('#logout');
    check(
        'log out: the login form',
        await until(() => page.locator('#login-form').isVisible()),
    );
    check(
        'log out: no token kept',
        (await page.evaluate(() => sessionStorage.length)) === 0,
    );
    check(
        'log out: the token is revoked',
        (await api('GET', '/nslcm/v1/ns_instances', undefined, last))
            .status === 401,
    );

    /* ---- what the page sent ---- */
    const calls = requests.filter((r) =>
        new URL(r.url).pathname.startsWith('/osm/'),
    );
    check('the page called the API', calls.length > 20, calls.length);
    const noAccept = calls.filter(
        (r) => r.headers.accept !== 'application/json',
    );
    check(
        'every API call asks for JSON',
        noAccept.length === 0,
        noAccept.map((r) => r.url),
    );
    const noAuth = calls.filter(
        (r) =>
            !(r.method === 'POST' && r.url.endsWith('/osm/admin/v1/tokens')) &&
            !/^Bearer .+/.test(r.headers.authorization || ''),
    );
    check(
        'every API call but the login carries the token',
        noAuth.length === 0,
        noAuth.map((r) => r.url),
    );
    check(
        'the page was given two tokens (a login, another after the revocation)',
        tokens.length === 2,
        tokens.length,
    );
    const leaked = requests.filter((r) =>
        tokens.some((t) => r.url.includes(t)),
    );
    check(
        'no URL the page asked for holds a token',
        leaked.length === 0,
        leaked.map((r) => r.url),
    );
    check('no script error in the page', pageErrors.length === 0, pageErrors);

    await context.close();
}

/* no crash handler: it would outlive the browser */
const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
});
/* stopped (the wrapper's cleanup, a timeout): close the browser and go */
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
        console.log(`ui-test: stopped by ${sig}`);
        setTimeout(() => process.exit(1), 3000).unref();
        browser.close().finally(() => process.exit(1));
    });
}
let status = 0;
try {
    await main(browser);
    await checkShots(browser, path.join(shots, 'empty.png'));
} catch (e) {
    failed++;
    console.log(
        e instanceof Stop
            ? `stopped after: ${e.message}`
            : `FAIL: ${e.stack || e}`,
    );
    status = 1;
    if (page && !page.isClosed()) {
        await page
            .screenshot({path: path.join(shots, 'failure.png')})
            .catch(() => {});
        console.log(
            `ui-test: the page at the failure: ${path.join(shots, 'failure.png')}`,
        );
    }
} finally {
    await browser.close();
}
console.log(
    `ui-test: ${passed} passed, ${failed} failed, ${shotFiles.length} screenshots, ` +
        `${((Date.now() - t0) / 1000).toFixed(1)} s`,
);
process.exit(status || failed ? 1 : 0);
