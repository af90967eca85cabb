/* slicer's web page: logs in to slicerd's NBI (OSM's REST API, same
 * origin) and draws its slices, network services (an NS's VNFs, VDUs and
 * virtual links as a topology, its chains hop by hop with live counters)
 * and operations; terminates and instantiates with a confirmation.
 *
 * Plain JavaScript, no framework, no build step: index.html is the shell,
 * style.css the looks; slicerd embeds the three files at build time
 * (slicer/api/ui-api.c).  Everything the API returns is put in the page
 * with textContent and createElement only: names come from users.  The
 * token lives in sessionStorage and travels only in the Authorization
 * header, never in a URL. */
'use strict';

(function () {
    const TOKEN_KEY = 'slicer.token';
    const USER_KEY = 'slicer.user';
    const REFRESH_MS = 2000;
    const SVG_NS = 'http://www.w3.org/2000/svg';
    const SST_NAMES = {eMBB: 1, URLLC: 2, mMTC: 3, V2X: 4};
    const MAX_OPS = 200;

    const $ = (id) => document.getElementById(id);

    /* The view on screen: 'gen' changes whenever the view does, so that
     * answers for a view that is gone are dropped; 'timer' is its
     * refresh. */
    const current = {gen: 0, timer: null};

    /* ---- DOM helpers: text only, never markup ---- */

    /* el(tag, props, ...children) and svg(...): an HTML or SVG element;
     * props may hold 'class', 'text', 'data' (dataset) and 'attrs';
     * children are nodes or strings (put as text); null, undefined and
     * false are skipped. */
    function build(node, props, children) {
        props = props || {};
        if (props.class) {
            node.setAttribute('class', props.class);
        }
        if (props.text !== undefined && props.text !== null) {
            node.textContent = String(props.text);
        }
        for (const [k, v] of Object.entries(props.data || {})) {
            node.dataset[k] = String(v);
        }
        for (const [k, v] of Object.entries(props.attrs || {})) {
            if (v !== undefined && v !== null && v !== false) {
                node.setAttribute(k, v === true ? '' : String(v));
            }
        }
        for (const c of children) {
            if (c === null || c === undefined || c === false) {
                continue;
            }
            node.append(
                typeof c === 'string' || typeof c === 'number'
                    ? document.createTextNode(String(c))
                    : c,
            );
        }
        return node;
    }
    const el = (tag, props, ...children) =>
        build(document.createElement(tag), props, children);
    const svg = (tag, props, ...children) =>
        build(document.createElementNS(SVG_NS, tag), props, children);

    function badge(state) {
        const s = state === null || state === undefined ? '-' : String(state);
        return el('span', {
            class:
                'badge state-' + s.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
            text: s,
            data: {state: s},
        });
    }

    /* str(v, dflt): v as text; dflt (default '-') when it is missing */
    function str(v, dflt = '-') {
        return v === null || v === undefined || v === '' ? dflt : String(v);
    }

    function when(epoch) {
        if (typeof epoch !== 'number') {
            return '-';
        }
        const d = new Date(epoch * 1000);
        const p = (n) => String(n).padStart(2, '0');
        return (
            `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
            `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
        );
    }

    function duration(s) {
        s = Math.max(0, s);
        return s < 1
            ? `${Math.round(s * 1000)} ms`
            : s < 120
              ? `${s.toFixed(1)} s`
              : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
    }

    function bytes(n) {
        if (typeof n !== 'number') {
            return '-';
        }
        const units = ['B', 'kB', 'MB', 'GB', 'TB'];
        let i = 0;
        while (n >= 1000 && i < units.length - 1) {
            n /= 1000;
            i++;
        }
        return (i ? n.toFixed(1) : String(n)) + ' ' + units[i];
    }

    /* ---- the API ---- */

    class ApiError extends Error {
        constructor(status, code, detail) {
            super(detail);
            this.status = status;
            this.code = code;
            this.detail = detail;
        }
        toString() {
            return this.status
                ? `${this.status} ${this.code}: ${this.detail}`
                : this.detail;
        }
    }

    const token = () => sessionStorage.getItem(TOKEN_KEY);

    /* api(method, path, body): the JSON answer, or throws an ApiError
     * with the API's {code, status, detail}.  A 401 on a call made with a
     * token ends the session (the login form comes back). */
    async function api(method, path, body) {
        const headers = {Accept: 'application/json'};
        const t = token();
        let resp;

        if (t) {
            headers.Authorization = 'Bearer ' + t;
        }
        if (body !== undefined) {
            headers['Content-Type'] = 'application/json';
        }
        try {
            resp = await fetch(path, {
                method,
                headers,
                cache: 'no-store',
                credentials: 'omit',
                body: body === undefined ? undefined : JSON.stringify(body),
            });
        } catch (e) {
            throw new ApiError(
                0,
                'NETWORK',
                `slicerd did not answer (${method} ${path}): ${e.message}`,
            );
        }
        const text = await resp.text();
        let data = null;
        try {
            data = text ? JSON.parse(text) : null;
        } catch (e) {
            data = null;
        }
        if (!resp.ok) {
            const err = new ApiError(
                resp.status,
                (data && data.code) || resp.statusText || 'ERROR',
                (data && data.detail) || text || `${method} ${path} failed`,
            );
            if (resp.status === 401 && t && t === token()) {
                sessionEnded(err.detail);
            }
            throw err;
        }
        return data;
    }

    const list = (path) =>
        api('GET', path).then((d) => (Array.isArray(d) ? d : []));

    /* ---- messages ---- */

    function showError(e) {
        if (e instanceof ApiError && e.status === 401 && !token()) {
            return; /* the login form says it */
        }
        $('notice').hidden = true;
        $('error-text').textContent = String(e);
        $('error').hidden = false;
    }
    function clearMessages() {
        $('error').hidden = true;
        $('error-text').textContent = '';
        $('notice').hidden = true;
        $('notice').textContent = '';
    }
    function notice(text) {
        $('error').hidden = true;
        $('notice').textContent = text;
        $('notice').hidden = false;
    }

    /* confirmAction(title, text, ok, danger): true when the user accepts
     * the in-page dialog (its OK button labelled 'ok', red when
     * 'danger'); Cancel, Escape and Enter (Cancel is the default button)
     * answer false. */
    function confirmAction(title, text, ok, danger) {
        const d = $('confirm');
        $('confirm-title').textContent = title;
        $('confirm-text').textContent = text;
        $('confirm-ok').textContent = ok;
        $('confirm-ok').classList.toggle('danger', !!danger);
        d.returnValue = '';
        return new Promise((resolve) => {
            d.addEventListener(
                'close',
                () => resolve(d.returnValue === 'ok'),
                {once: true},
            );
            d.showModal();
            $('confirm-cancel').focus();
        });
    }

    /* ---- session ---- */

    function stopView() {
        current.gen++;
        clearTimeout(current.timer);
        current.timer = null;
    }

    function showLogin(message) {
        stopView();
        $('top').hidden = true;
        $('view').replaceChildren();
        $('login').hidden = false;
        $('login-error').textContent = message || '';
        clearMessages();
        if ($('confirm').open) {
            $('confirm').close();
        }
        $('login-username').focus();
    }

    function sessionEnded(detail) {
        sessionStorage.removeItem(TOKEN_KEY);
        sessionStorage.removeItem(USER_KEY);
        showLogin(`Your session has ended (${detail}). Log in again.`);
    }

    async function login(ev) {
        ev.preventDefault();
        const username = $('login-username').value;
        const password = $('login-password').value;
        $('login-error').textContent = '';
        $('login-submit').disabled = true;
        try {
            const t = await api('POST', '/osm/admin/v1/tokens', {
                username,
                password,
            });
            if (!t || typeof t.id !== 'string') {
                throw new ApiError(0, 'ERROR', 'slicerd gave no token');
            }
            sessionStorage.setItem(TOKEN_KEY, t.id);
            sessionStorage.setItem(USER_KEY, t.username || username);
            $('login-password').value = '';
            if (!/^#\/(slices|ns|ops)/.test(location.hash)) {
                history.replaceState(null, '', '#/slices');
            }
            route();
        } catch (e) {
            $('login-error').textContent =
                e instanceof ApiError && e.status === 401
                    ? 'Wrong username or password.'
                    : String(e);
        } finally {
            $('login-submit').disabled = false;
        }
    }

    /* Log out: DELETE /osm/admin/v1/tokens revokes the token the call
     * carries (in its header: the token is not put in the path). */
    async function logout() {
        try {
            await api('DELETE', '/osm/admin/v1/tokens');
        } catch (e) {
            /* gone already, or slicerd is down: forget it anyway */
        }
        sessionStorage.removeItem(TOKEN_KEY);
        sessionStorage.removeItem(USER_KEY);
        showLogin('Logged out.');
    }

    /* ---- views ---- */

    /* poll(gen, load, render, status): load() then render(data) now and
     * every REFRESH_MS while view 'gen' is on screen; render only when
     * the data changed.  The status line says when it was read, or why
     * it could not be. */
    function poll(gen, load, render, status) {
        let last = null;
        const tick = async () => {
            try {
                const data = await load();
                if (gen !== current.gen) {
                    return;
                }
                const key = JSON.stringify(data);
                if (key !== last) {
                    last = key;
                    render(data);
                }
                status.textContent = 'Updated ' + when(Date.now() / 1000);
                status.classList.remove('failing');
            } catch (e) {
                if (gen !== current.gen) {
                    return;
                }
                status.textContent = 'Could not refresh: ' + String(e);
                status.classList.add('failing');
            }
            if (gen === current.gen && token()) {
                current.timer = setTimeout(tick, REFRESH_MS);
            }
        };
        return tick();
    }

    /* viewFrame(name, title): an empty view on screen, its nav link
     * marked; its section, body and status line */
    function viewFrame(name, title) {
        const status = el('p', {class: 'status', attrs: {'aria-live': 'off'}});
        const body = el('div', {class: 'view-body'});
        const section = el(
            'section',
            {class: 'view view-' + name, data: {view: name}},
            el('div', {class: 'view-head'}, el('h1', {text: title}), status),
            body,
        );
        $('view').replaceChildren(section);
        for (const a of $('nav').querySelectorAll('a')) {
            a.classList.toggle(
                'active',
                a.dataset.view === name.split('-')[0],
            );
        }
        return {section, body, status};
    }

    function table(cls, headers, rows, empty) {
        if (!rows.length) {
            return el('p', {class: 'empty', text: empty});
        }
        return el(
            'table',
            {class: cls},
            el(
                'thead',
                {},
                el('tr', {}, ...headers.map((h) => el('th', {text: h}))),
            ),
            el('tbody', {}, ...rows),
        );
    }

    /* Terminate through the dialog: 'what' names the thing, 'path' and
     * 'body' the API call. */
    async function terminate(button, what, path, body, after) {
        const ok = await confirmAction(
            `Terminate ${what}?`,
            `Terminating ${what} removes what it runs on its VIM. This cannot be undone.`,
            'Terminate',
            true,
        );
        if (!ok) {
            return;
        }
        button.disabled = true;
        try {
            const r = await api('POST', path, body);
            notice(
                `Terminating ${what}: operation ${str(r && r.id)} started.`,
            );
            after();
        } catch (e) {
            showError(e);
            button.disabled = false;
        }
    }

    /* -- slices -- */

    function snssai(nsi) {
        const id =
            (nsi['network-slice-template'] || {})['SNSSAI-identifier'] || {};
        const type = id['slice-service-type'];
        const sst = typeof type === 'number' ? type : SST_NAMES[type];
        return el(
            'span',
            {class: 'snssai'},
            el(
                'span',
                {class: 'sst'},
                el('abbr', {
                    text: 'SST',
                    attrs: {title: 'slice/service type'},
                }),
                ' ',
                sst !== undefined && typeof type !== 'number'
                    ? `${sst} (${type})`
                    : str(type),
            ),
            ' ',
            el(
                'span',
                {class: 'sd'},
                el('abbr', {
                    text: 'SD',
                    attrs: {title: 'slice differentiator'},
                }),
                ' ',
                str(id['slice-differentiator']),
            ),
        );
    }

    function subnetList(nsi, nsNames) {
        const admin = nsi._admin || {};
        const items = [];
        for (const s of admin['nsrs-detailed-list'] || []) {
            items.push(
                el(
                    'li',
                    {class: 'subnet', data: {nss: str(s['nss-id'], '')}},
                    el('strong', {text: str(s['nss-id'])}),
                    ' ',
                    s.nsrId
                        ? el('a', {
                              text: nsNames.get(s.nsrId) || s.nsrId,
                              attrs: {
                                  href: '#/ns/' + encodeURIComponent(s.nsrId),
                              },
                          })
                        : '-',
                    s.shared
                        ? el('span', {class: 'tag', text: 'shared'})
                        : null,
                    s.status ? badge(s.status) : null,
                ),
            );
        }
        for (const s of admin['remote-subnets'] || []) {
            items.push(
                el(
                    'li',
                    {
                        class: 'subnet remote',
                        data: {nss: str(s['nss-id'], '')},
                    },
                    el('strong', {text: str(s['nss-id'])}),
                    ' at ',
                    el('span', {
                        class: 'account',
                        text: str(s['account-name'] || s.account),
                    }),
                    ` (${str(s.dialect)})`,
                    s.shared
                        ? el('span', {class: 'tag', text: 'shared'})
                        : null,
                    badge(s.state),
                ),
            );
        }
        return items.length
            ? el('ul', {class: 'subnets'}, ...items)
            : el('span', {text: '-'});
    }

    function viewSlices() {
        const gen = current.gen;
        const v = viewFrame('slices', 'Network slices');
        const load = () =>
            Promise.all([
                list('/osm/nsilcm/v1/netslice_instances'),
                list('/osm/nslcm/v1/ns_instances'),
            ]).then(([nsis, nss]) => ({
                nsis: nsis.map((n) => ({
                    _id: n._id,
                    name: n.name,
                    'network-slice-template': n['network-slice-template'],
                    'operational-status': n['operational-status'],
                    'detailed-status': n['detailed-status'],
                    _admin: {
                        nsiState: (n._admin || {}).nsiState,
                        'nsrs-detailed-list': (n._admin || {})[
                            'nsrs-detailed-list'
                        ],
                        'remote-subnets': (n._admin || {})['remote-subnets'],
                    },
                })),
                names: nss.map((n) => [n._id, n.name]),
            }));
        const render = ({nsis, names}) => {
            const nsNames = new Map(names);
            const rows = nsis.map((n) => {
                const admin = n._admin || {};
                const button = el('button', {
                    class: 'danger terminate',
                    text: 'Terminate',
                    attrs: {type: 'button'},
                });
                button.addEventListener('click', () =>
                    terminate(
                        button,
                        `slice '${str(n.name)}'`,
                        `/osm/nsilcm/v1/netslice_instances/${encodeURIComponent(n._id)}/terminate`,
                        {},
                        route,
                    ),
                );
                return el(
                    'tr',
                    {
                        class: 'slice',
                        data: {id: str(n._id, ''), name: str(n.name, '')},
                    },
                    el(
                        'td',
                        {class: 'name'},
                        el('strong', {text: str(n.name)}),
                        el('br'),
                        el('small', {class: 'id', text: str(n._id)}),
                    ),
                    el('td', {}, snssai(n)),
                    el(
                        'td',
                        {class: 'state'},
                        badge(admin.nsiState),
                        ' ',
                        el('span', {
                            class: 'opstatus',
                            text: str(n['operational-status']),
                        }),
                    ),
                    el('td', {}, subnetList(n, nsNames)),
                    el('td', {class: 'actions'}, button),
                );
            });
            v.body.replaceChildren(
                table(
                    'slices',
                    ['Slice', 'S-NSSAI', 'State', 'Subnets', ''],
                    rows,
                    'No network slices.',
                ),
            );
        };
        return poll(gen, load, render, v.status);
    }

    /* -- network services -- */

    function instantiateForm() {
        const name = el('input', {
            attrs: {
                id: 'inst-name',
                name: 'nsName',
                required: true,
                maxlength: 255,
                placeholder: 'name of the new NS',
            },
        });
        const nsd = el('select', {
            attrs: {id: 'inst-nsd', name: 'nsdId', required: true},
        });
        const vim = el('select', {
            attrs: {id: 'inst-vim', name: 'vimAccountId', required: true},
        });
        const submit = el('button', {
            text: 'Instantiate…',
            attrs: {type: 'submit', id: 'inst-submit'},
        });
        const form = el(
            'form',
            {class: 'instantiate', attrs: {id: 'instantiate-form'}},
            el('label', {}, 'Name ', name),
            el('label', {}, 'NS descriptor ', nsd),
            el('label', {}, 'VIM account ', vim),
            submit,
        );

        Promise.all([
            list('/osm/nsd/v1/ns_descriptors'),
            list('/osm/admin/v1/vim_accounts'),
        ])
            .then(([nsds, vims]) => {
                nsd.replaceChildren(
                    ...nsds.map((d) =>
                        el('option', {
                            text:
                                str(d.name || d.id) +
                                (d.id && d.name !== d.id ? ` (${d.id})` : ''),
                            attrs: {value: d._id},
                        }),
                    ),
                );
                vim.replaceChildren(
                    ...vims.map((a) =>
                        el('option', {
                            text: `${str(a.name)} (${str(a.vim_type)})`,
                            attrs: {value: a._id},
                        }),
                    ),
                );
                form.dataset.ready = 'true';
            })
            .catch(showError);

        form.addEventListener('submit', async (ev) => {
            ev.preventDefault();
            const body = {
                nsName: name.value,
                nsdId: nsd.value,
                vimAccountId: vim.value,
            };
            const nsdText = nsd.selectedOptions.length
                ? nsd.selectedOptions[0].textContent
                : body.nsdId;
            const vimText = vim.selectedOptions.length
                ? vim.selectedOptions[0].textContent
                : body.vimAccountId;
            const ok = await confirmAction(
                `Instantiate NS '${body.nsName}'?`,
                `A new network service '${body.nsName}' of ${nsdText} is deployed on VIM account ${vimText}.`,
                'Instantiate',
                false,
            );
            if (!ok) {
                return;
            }
            submit.disabled = true;
            try {
                const r = await api(
                    'POST',
                    '/osm/nslcm/v1/ns_instances_content',
                    body,
                );
                notice(
                    `Instantiating NS '${body.nsName}': operation ${str(r && r.nslcmop_id)} started.`,
                );
                name.value = '';
                route();
            } catch (e) {
                showError(e);
            } finally {
                submit.disabled = false;
            }
        });
        return form;
    }

    function vlSummary(ns) {
        const vlds = ns.vld || [];
        if (!vlds.length) {
            return el('span', {text: '-'});
        }
        return el(
            'ul',
            {class: 'vls'},
            ...vlds.map((v) =>
                el(
                    'li',
                    {},
                    el('span', {class: 'vl-name', text: str(v.name || v.id)}),
                    (v['ip-profile'] || {})['subnet-address']
                        ? ` ${v['ip-profile']['subnet-address']}`
                        : '',
                    v['mgmt-network']
                        ? el('span', {class: 'tag', text: 'mgmt'})
                        : null,
                ),
            ),
        );
    }

    function viewNss() {
        const gen = current.gen;
        const v = viewFrame('ns', 'Network services');
        v.section.insertBefore(instantiateForm(), v.body);
        const load = () =>
            list('/osm/nslcm/v1/ns_instances').then((nss) =>
                nss.map((n) => ({
                    _id: n._id,
                    name: n.name,
                    nsState: n.nsState,
                    'operational-status': n['operational-status'],
                    'config-status': n['config-status'],
                    'detailed-status': n['detailed-status'],
                    errorDetail: n.errorDetail,
                    vld: n.vld,
                    'nsd-name-ref': n['nsd-name-ref'],
                    chains: (n.vnffgr || []).length,
                    currentOperation: n.currentOperation,
                })),
            );
        const render = (nss) => {
            const rows = nss.map((n) => {
                const id = encodeURIComponent(n._id);
                const button = el('button', {
                    class: 'danger terminate',
                    text: 'Terminate',
                    attrs: {type: 'button'},
                });
                button.addEventListener('click', () =>
                    terminate(
                        button,
                        `NS '${str(n.name)}'`,
                        `/osm/nslcm/v1/ns_instances/${id}/terminate`,
                        {autoremove: true},
                        route,
                    ),
                );
                const failed = n['operational-status'] === 'failed';
                return el(
                    'tr',
                    {
                        class: 'ns',
                        data: {id: str(n._id, ''), name: str(n.name, '')},
                    },
                    el(
                        'td',
                        {class: 'name'},
                        el('a', {
                            text: str(n.name),
                            attrs: {href: '#/ns/' + id},
                        }),
                        el('br'),
                        el('small', {class: 'id', text: str(n._id)}),
                    ),
                    el('td', {class: 'nsd', text: str(n['nsd-name-ref'])}),
                    el('td', {class: 'state'}, badge(n.nsState)),
                    el('td', {
                        class: 'opstatus',
                        text: str(n['operational-status']),
                    }),
                    el('td', {
                        class: 'configstatus',
                        text: str(n['config-status']),
                    }),
                    el('td', {}, vlSummary(n)),
                    el('td', {
                        class: failed ? 'detail error-text' : 'detail',
                        text: str(
                            failed
                                ? n.errorDetail || n['detailed-status']
                                : n['detailed-status'],
                        ),
                    }),
                    el(
                        'td',
                        {class: 'actions'},
                        el('a', {
                            class: 'button',
                            text: 'Topology',
                            attrs: {href: '#/ns/' + id},
                        }),
                        n.chains
                            ? el('a', {
                                  class: 'button',
                                  text: `Chains (${n.chains})`,
                                  attrs: {href: `#/ns/${id}/chains`},
                              })
                            : null,
                        button,
                    ),
                );
            });
            v.body.replaceChildren(
                table(
                    'nss',
                    [
                        'NS',
                        'NSD',
                        'State',
                        'Operational',
                        'Config',
                        'Virtual links',
                        'Detail',
                        '',
                    ],
                    rows,
                    'No network services.',
                ),
            );
        };
        return poll(gen, load, render, v.status);
    }

    /* -- an NS's topology -- */

    /* The graph of an NS from its record and its VNF records: VNFs (in
     * the NS's order) holding VDUs holding interfaces, each interface on
     * an NS VL (its ns-vld-id, or the NS vld listing its VNF's external
     * connection point) or on an internal VL of its VNF (vnf-vld-id, or
     * the VNF vld listing its internal connection point). */
    function topologyModel(nsr, vnfrs) {
        const nsVls = new Map();
        const byCp = new Map();
        for (const v of nsr.vld || []) {
            nsVls.set(v.id, {
                key: 'ns:' + v.id,
                id: v.id,
                name: str(v.name || v.id),
                cidr: (v['ip-profile'] || {})['subnet-address'],
                mgmt: !!v['mgmt-network'],
            });
            for (const r of v['vnfd-connection-point-ref'] || []) {
                byCp.set(
                    r['member-vnf-index-ref'] +
                        '\n' +
                        r['vnfd-connection-point-ref'],
                    v.id,
                );
            }
        }
        const order = nsr['constituent-vnfr-ref'] || [];
        const rank = (r) =>
            order.indexOf(r._id) < 0 ? order.length : order.indexOf(r._id);
        const vnfs = vnfrs
            .slice()
            .sort((a, b) => rank(a) - rank(b))
            .map((r) => {
                const member = str(r['member-vnf-index-ref']);
                const internal = new Map();
                const byIcp = new Map();
                for (const v of r.vld || []) {
                    internal.set(v.id, {
                        key: `vnf:${member}:${v.id}`,
                        id: v.id,
                        name: str(v.name || v.id),
                    });
                    for (const icp of v['internal-connection-point'] || []) {
                        byIcp.set(icp['id-ref'] || icp.id, v.id);
                    }
                }
                const vlOf = (i) => {
                    let id =
                        i['ns-vld-id'] ||
                        byCp.get(
                            member + '\n' + i['external-connection-point-ref'],
                        );
                    if (id) {
                        if (!nsVls.has(id)) {
                            nsVls.set(id, {key: 'ns:' + id, id, name: id});
                        }
                        return nsVls.get(id);
                    }
                    id =
                        i['vnf-vld-id'] ||
                        byIcp.get(i['internal-connection-point-ref']);
                    if (id) {
                        if (!internal.has(id)) {
                            internal.set(id, {
                                key: `vnf:${member}:${id}`,
                                id,
                                name: id,
                            });
                        }
                        return internal.get(id);
                    }
                    return null;
                };
                const vdus = (r.vdur || []).map((d) => ({
                    id: str(d['vdu-id-ref']),
                    name:
                        str(d['vdu-name'] || d.name || d['vdu-id-ref']) +
                        (typeof d['count-index'] === 'number'
                            ? '-' + d['count-index']
                            : ''),
                    status: d.status,
                    vimId: d['vim-id'],
                    ifaces: (d.interfaces || []).map((i) => ({
                        name: str(i.name),
                        ip: i['ip-address'],
                        mac: i['mac-address'],
                        vl: vlOf(i),
                        mgmt: !!i['mgmt-interface'],
                    })),
                }));
                return {
                    member,
                    vnfd: str(r['vnfd-ref']),
                    id: r._id,
                    vdus,
                    internal: [...internal.values()],
                };
            });
        return {vnfs, nsVls: [...nsVls.values()]};
    }

    /* The SVG: VNF boxes side by side, their VDUs side by side inside
     * them with their interfaces as ports along the bottom; internal VLs
     * as bars inside their VNF, the NS's VLs as bars under everything;
     * an edge from each port straight down to its VL. */
    function topologySvg(model) {
        const PAD = 20,
            GAP = 28,
            HEAD = 44,
            VDU_H = 58,
            PORT_GAP = 44,
            VDU_MIN = 128;
        const LABEL_H = 100,
            INT_GAP = 28,
            NS_GAP = 46,
            LABEL_COL = 190,
            BAR_H = 8;
        const maxInternal = Math.max(
            0,
            ...model.vnfs.map((f) => f.internal.length),
        );
        const boxH = HEAD + VDU_H + LABEL_H + maxInternal * INT_GAP + 10;
        const nsTop = PAD + boxH + 34;
        const ports = new Map(); /* vl key -> [x] */
        const nodes = [],
            edges = [],
            bars = [];
        let x = PAD;

        for (const f of model.vnfs) {
            const widths = f.vdus.map((d) =>
                Math.max(
                    VDU_MIN,
                    (d.ifaces.length + 1) * PORT_GAP,
                    d.name.length * 8 + 20,
                ),
            );
            const inner =
                widths.reduce((a, b) => a + b, 0) +
                Math.max(0, widths.length - 1) * 12;
            const w = Math.max(
                inner + 24,
                Math.max(f.member.length, f.vnfd.length) * 8 + 24,
                150,
            );
            const vnf = svg(
                'g',
                {class: 'vnf', data: {member: f.member}},
                svg('title', {text: `VNF ${f.member} (${f.vnfd})`}),
                svg('rect', {
                    class: 'vnf-box',
                    attrs: {x, y: PAD, width: w, height: boxH, rx: 8},
                }),
                svg('text', {
                    class: 'vnf-name',
                    text: f.member,
                    attrs: {x: x + 12, y: PAD + 20},
                }),
                svg('text', {
                    class: 'vnf-type',
                    text: f.vnfd,
                    attrs: {x: x + 12, y: PAD + 35},
                }),
            );
            let vx = x + (w - inner) / 2;
            const intY = new Map();
            f.internal.forEach((vl, k) =>
                intY.set(vl.key, PAD + HEAD + VDU_H + LABEL_H + k * INT_GAP),
            );
            f.vdus.forEach((d, j) => {
                const vy = PAD + HEAD;
                const vw = widths[j];
                const status = str(d.status, 'unknown');
                const g = svg(
                    'g',
                    {
                        class: 'vdu status-' + status.toLowerCase(),
                        data: {vdu: d.name},
                    },
                    svg('title', {
                        text:
                            `VDU ${d.name} of ${f.member}: ${status}` +
                            (d.vimId ? `, at ${d.vimId}` : ''),
                    }),
                    svg('rect', {
                        class: 'vdu-box',
                        attrs: {x: vx, y: vy, width: vw, height: VDU_H, rx: 6},
                    }),
                    svg('text', {
                        class: 'vdu-name',
                        text: d.name,
                        attrs: {x: vx + 10, y: vy + 18},
                    }),
                    svg('text', {
                        class: 'vdu-status',
                        text: status,
                        attrs: {x: vx + 10, y: vy + 33},
                    }),
                );
                d.ifaces.forEach((i, k) => {
                    const px = vx + ((k + 1) * vw) / (d.ifaces.length + 1);
                    const py = vy + VDU_H;
                    g.append(
                        svg('text', {
                            class: 'port-name',
                            text: i.name,
                            attrs: {x: px, y: py - 6, 'text-anchor': 'middle'},
                        }),
                    );
                    if (!i.vl) {
                        g.append(
                            svg('circle', {
                                class: 'port unconnected',
                                attrs: {cx: px, cy: py, r: 4},
                            }),
                        );
                        return;
                    }
                    const ty = i.vl.key.startsWith('ns:')
                        ? null
                        : intY.get(i.vl.key);
                    if (!ports.has(i.vl.key)) {
                        ports.set(i.vl.key, []);
                    }
                    ports.get(i.vl.key).push(px);
                    edges.push({
                        x: px,
                        y1: py,
                        ty,
                        vl: i.vl,
                        iface: i,
                        vdu: d.name,
                        member: f.member,
                    });
                    g.append(
                        svg('circle', {
                            class: 'port',
                            attrs: {cx: px, cy: py, r: 4},
                        }),
                    );
                });
                vnf.append(g);
                vx += vw + 12;
            });
            for (const vl of f.internal) {
                const xs = ports.get(vl.key) || [x + 20, x + w - 20];
                const y = intY.get(vl.key);
                const x1 = Math.min(...xs) - 14,
                    x2 = Math.max(...xs) + 14;
                bars.push(
                    svg(
                        'g',
                        {
                            class: 'vl internal',
                            data: {vl: vl.id, member: f.member},
                        },
                        svg('title', {
                            text: `internal VL ${vl.name} of ${f.member}`,
                        }),
                        svg('rect', {
                            class: 'vl-bar',
                            attrs: {
                                x: x1,
                                y: y,
                                width: x2 - x1,
                                height: BAR_H,
                                rx: 4,
                            },
                        }),
                        svg('text', {
                            class: 'vl-name',
                            text: vl.name,
                            attrs: {x: x1, y: y - 4},
                        }),
                    ),
                );
            }
            nodes.push(vnf);
            x += w + GAP;
        }
        const width = Math.max(x - GAP + PAD, 300) + LABEL_COL;
        model.nsVls.forEach((vl, k) => {
            const y = nsTop + k * NS_GAP;
            vl.y = y;
            bars.push(
                svg(
                    'g',
                    {
                        class: 'vl' + (vl.mgmt ? ' mgmt' : ''),
                        data: {vl: vl.id},
                    },
                    svg('title', {
                        text:
                            `VL ${vl.name}` + (vl.cidr ? ` (${vl.cidr})` : ''),
                    }),
                    svg('rect', {
                        class: 'vl-bar',
                        attrs: {
                            x: PAD,
                            y,
                            width: width - LABEL_COL - PAD + 10,
                            height: BAR_H,
                            rx: 4,
                        },
                    }),
                    svg('text', {
                        class: 'vl-name',
                        text: vl.name,
                        attrs: {x: width - LABEL_COL + 24, y: y + 8},
                    }),
                    vl.cidr
                        ? svg('text', {
                              class: 'vl-cidr',
                              text: vl.cidr,
                              attrs: {x: width - LABEL_COL + 24, y: y + 22},
                          })
                        : null,
                ),
            );
        });
        const edgeNodes = edges.map((e) => {
            const y2 = e.ty === null || e.ty === undefined ? e.vl.y : e.ty;
            const g = svg(
                'g',
                {class: 'link'},
                svg(
                    'line',
                    {
                        class: 'edge' + (e.iface.mgmt ? ' mgmt' : ''),
                        data: {
                            vl: e.vl.id,
                            vdu: e.vdu,
                            iface: e.iface.name,
                            member: e.member,
                        },
                        attrs: {
                            x1: e.x,
                            y1: e.y1,
                            x2: e.x,
                            y2: y2 + BAR_H / 2,
                        },
                    },
                    svg('title', {
                        text:
                            `${e.member}/${e.vdu} ${e.iface.name} on ${e.vl.name}` +
                            (e.iface.ip ? `, ${e.iface.ip}` : '') +
                            (e.iface.mac ? `, ${e.iface.mac}` : ''),
                    }),
                ),
                svg('circle', {
                    class: 'junction',
                    attrs: {cx: e.x, cy: y2 + BAR_H / 2, r: 3.5},
                }),
            );
            if (e.iface.ip) {
                g.append(
                    svg('text', {
                        class: 'edge-label',
                        text: e.iface.ip,
                        attrs: {
                            x: e.x + 4,
                            y: e.y1 + 10,
                            transform: `rotate(90 ${e.x + 4} ${e.y1 + 10})`,
                        },
                    }),
                );
            }
            return g;
        });
        const height = nsTop + Math.max(1, model.nsVls.length) * NS_GAP + PAD;
        return svg(
            'svg',
            {
                class: 'topology',
                attrs: {
                    xmlns: SVG_NS,
                    width,
                    height,
                    viewBox: `0 0 ${width} ${height}`,
                    role: 'img',
                    'aria-label': 'topology of the NS',
                },
            },
            svg('g', {class: 'vnfs'}, ...nodes),
            svg('g', {class: 'edges'}, ...edgeNodes),
            svg('g', {class: 'vls'}, ...bars),
        );
    }

    function interfaceTable(model) {
        const rows = [];
        for (const f of model.vnfs) {
            for (const d of f.vdus) {
                for (const i of d.ifaces) {
                    rows.push(
                        el(
                            'tr',
                            {},
                            el('td', {text: f.member}),
                            el('td', {text: d.name}),
                            el('td', {text: i.name}),
                            el('td', {text: str(i.ip)}),
                            el('td', {text: str(i.mac)}),
                            el('td', {
                                text: i.vl
                                    ? i.vl.name +
                                      (i.vl.key.startsWith('vnf:')
                                          ? ' (internal)'
                                          : '')
                                    : '-',
                            }),
                        ),
                    );
                }
            }
        }
        return table(
            'interfaces',
            ['VNF', 'VDU', 'Interface', 'IP address', 'MAC address', 'VL'],
            rows,
            'No interfaces.',
        );
    }

    function nsHeader(nsr, other) {
        const id = encodeURIComponent(nsr._id);
        return el(
            'p',
            {class: 'ns-head'},
            el('strong', {class: 'ns-name', text: str(nsr.name)}),
            ' ',
            badge(nsr.nsState),
            ' ',
            el('span', {
                text: `${str(nsr['nsd-name-ref'])} · ${str(nsr['operational-status'])}`,
            }),
            ' ',
            other === 'chains'
                ? el('a', {
                      class: 'button',
                      text: 'Chains',
                      attrs: {href: `#/ns/${id}/chains`},
                  })
                : el('a', {
                      class: 'button',
                      text: 'Topology',
                      attrs: {href: `#/ns/${id}`},
                  }),
            el('a', {class: 'button', text: 'All NSs', attrs: {href: '#/ns'}}),
        );
    }

    function viewTopology(nsId) {
        const gen = current.gen;
        const v = viewFrame('ns-topology', 'NS topology');
        const load = () =>
            Promise.all([
                api(
                    'GET',
                    '/osm/nslcm/v1/ns_instances/' + encodeURIComponent(nsId),
                ),
                list(
                    '/osm/nslcm/v1/vnf_instances?nsr-id-ref=' +
                        encodeURIComponent(nsId),
                ),
            ]).then(([nsr, vnfrs]) => ({
                nsr: {
                    _id: nsr._id,
                    name: nsr.name,
                    nsState: nsr.nsState,
                    vld: nsr.vld,
                    'nsd-name-ref': nsr['nsd-name-ref'],
                    'operational-status': nsr['operational-status'],
                    'constituent-vnfr-ref': nsr['constituent-vnfr-ref'],
                },
                vnfrs: vnfrs.map((r) => ({
                    _id: r._id,
                    'member-vnf-index-ref': r['member-vnf-index-ref'],
                    'vnfd-ref': r['vnfd-ref'],
                    vld: r.vld,
                    vdur: r.vdur,
                })),
            }));
        const render = ({nsr, vnfrs}) => {
            const model = topologyModel(nsr, vnfrs);
            v.body.replaceChildren(
                nsHeader(nsr, 'chains'),
                model.vnfs.length
                    ? el('div', {class: 'topology-wrap'}, topologySvg(model))
                    : el('p', {
                          class: 'empty',
                          text: 'This NS has no VNF records.',
                      }),
                el('h2', {text: 'Interfaces'}),
                interfaceTable(model),
            );
        };
        return poll(gen, load, render, v.status);
    }

    /* -- chains -- */

    function counter(cls, dir, c) {
        const packets = c && typeof c.packets === 'number' ? c.packets : null;
        return el(
            'div',
            {
                class: 'counter ' + cls,
                data: {packets: packets === null ? '' : packets},
            },
            el('span', {class: 'dir', text: dir}),
            ' ',
            el('span', {
                class: 'packets',
                text: packets === null ? '-' : String(packets),
            }),
            ' pkts · ',
            el('span', {class: 'bytes', text: bytes(c && c.bytes)}),
        );
    }

    function arrow() {
        return el('div', {class: 'arrow', attrs: {'aria-hidden': 'true'}});
    }

    function chainView(ch) {
        const hops = ch.hops || [];
        const flow = el(
            'div',
            {class: 'flow'},
            el(
                'div',
                {class: 'endpoint source'},
                el('span', {class: 'label', text: 'from'}),
                el('strong', {text: str(ch['source-vnf'])}),
                el('small', {text: str(ch['source-cp'], '')}),
            ),
        );
        hops.forEach((h, k) => {
            const sfis = (h.sfis || []).map((s) => str(s.vnf));
            flow.append(
                arrow(),
                el(
                    'div',
                    {class: 'hop', data: {hop: str(h.id, ''), index: k + 1}},
                    el('span', {class: 'hop-num', text: String(k + 1)}),
                    el('strong', {class: 'hop-id', text: str(h.id)}),
                    el('span', {
                        class: 'sfis',
                        text: sfis.length ? sfis.join(', ') : '-',
                    }),
                    counter('forward', '→', h.forward),
                    h.reverse ? counter('reverse', '←', h.reverse) : null,
                ),
            );
        });
        const delivered = ch.delivered || {};
        flow.append(
            arrow(),
            el(
                'div',
                {class: 'endpoint delivered'},
                el('span', {class: 'label', text: 'delivered'}),
                counter('forward', '→', delivered.forward),
                delivered.reverse
                    ? counter('reverse', '←', delivered.reverse)
                    : null,
            ),
        );
        const matches = (ch.matches || []).map((m) =>
            el(
                'li',
                {},
                `${str(m.id)}: proto ${str(m.ip_proto)} ${str(m.src, 'any')}` +
                    (m.src_port ? ':' + m.src_port : '') +
                    ` → ${str(m.dst, 'any')}` +
                    (m.dst_port ? ':' + m.dst_port : ''),
            ),
        );
        return el(
            'section',
            {class: 'chain', data: {chain: str(ch.id, '')}},
            el(
                'h2',
                {},
                el('span', {class: 'chain-id', text: str(ch.id)}),
                ' ',
                badge(ch.status),
                el('small', {
                    text: ` ${str(ch.encapsulation)}, ${ch.symmetric ? 'both ways' : 'one way'}`,
                }),
            ),
            ch['counters-error']
                ? el('p', {
                      class: 'counters-error error-text',
                      text: 'Counters: ' + ch['counters-error'],
                  })
                : null,
            ch['rules-missing']
                ? el('p', {
                      class: 'error-text',
                      text: `${ch['rules-missing']} rules of this chain are missing on the switch`,
                  })
                : null,
            flow,
            matches.length
                ? el(
                      'details',
                      {},
                      el('summary', {text: 'Classifier'}),
                      el('ul', {class: 'matches'}, ...matches),
                  )
                : null,
        );
    }

    function viewChains(nsId) {
        const gen = current.gen;
        const v = viewFrame('ns-chains', 'Service function chains');
        const id = encodeURIComponent(nsId);
        const load = () =>
            Promise.all([
                api('GET', '/osm/nslcm/v1/ns_instances/' + id),
                list(`/osm/nslcm/v1/ns_instances/${id}/chains`),
            ]).then(([nsr, chains]) => ({
                nsr: {
                    _id: nsr._id,
                    name: nsr.name,
                    nsState: nsr.nsState,
                    'nsd-name-ref': nsr['nsd-name-ref'],
                    'operational-status': nsr['operational-status'],
                },
                chains,
            }));
        const render = ({nsr, chains}) => {
            v.body.replaceChildren(
                nsHeader(nsr, 'topology'),
                ...(chains.length
                    ? chains.map(chainView)
                    : [
                          el('p', {
                              class: 'empty',
                              text: 'This NS has no chains.',
                          }),
                      ]),
            );
        };
        return poll(gen, load, render, v.status);
    }

    /* -- operations -- */

    function progress(op) {
        const steps = (op._admin || {}).steps;
        if (Array.isArray(steps) && steps.length) {
            const done = steps.filter((s) => s.state === 'DONE').length;
            return el(
                'span',
                {class: 'progress', data: {done, total: steps.length}},
                el('progress', {attrs: {max: steps.length, value: done}}),
                ` ${done}/${steps.length}`,
            );
        }
        if (
            op.operationState === 'PROCESSING' ||
            op.operationState === 'ROLLING_BACK'
        ) {
            return el(
                'span',
                {class: 'progress'},
                el('progress'),
                ' ' + str(op.stage, ''),
            );
        }
        return el('span', {class: 'progress', text: str(op.stage)});
    }

    function viewOps() {
        const gen = current.gen;
        const v = viewFrame('ops', 'Operations');
        const slim = (kind) => (o) => ({
            kind,
            _id: o._id,
            operationState: o.operationState,
            lcmOperationType: o.lcmOperationType,
            target: kind === 'NS' ? o.nsInstanceId : o.netsliceInstanceId,
            startTime: o.startTime,
            statusEnteredTime: o.statusEnteredTime,
            errorMessage: o.errorMessage,
            stage: o.stage,
            paramName:
                (o.operationParams || {}).nsName ||
                (o.operationParams || {}).nsiName,
            _admin: {
                steps: ((o._admin || {}).steps || []).map((s) => ({
                    state: s.state,
                })),
            },
        });
        const load = () =>
            Promise.all([
                list('/osm/nslcm/v1/ns_lcm_op_occs'),
                list('/osm/nsilcm/v1/nsi_lcm_op_occs'),
                list('/osm/nslcm/v1/ns_instances'),
                list('/osm/nsilcm/v1/netslice_instances'),
            ]).then(([nsOps, nsiOps, nss, nsis]) => ({
                ops: nsOps
                    .map(slim('NS'))
                    .concat(nsiOps.map(slim('Slice')))
                    .sort((a, b) => (b.startTime || 0) - (a.startTime || 0))
                    .slice(0, MAX_OPS),
                names: nss
                    .map((n) => [n._id, n.name])
                    .concat(nsis.map((n) => [n._id, n.name])),
                nsIds: nss.map((n) => n._id),
                nsiIds: nsis.map((n) => n._id),
            }));
        const render = ({ops, names, nsIds, nsiIds}) => {
            /* an NS or slice that is gone keeps its name in the
             * parameters of its instantiation */
            const byId = new Map(
                ops
                    .filter((o) => o.paramName)
                    .map((o) => [o.target, o.paramName]),
            );
            for (const [id, name] of names) {
                byId.set(id, name);
            }
            const rows = ops.map((o) => {
                const name = byId.get(o.target) || o.target;
                const target =
                    o.kind === 'NS' && nsIds.includes(o.target)
                        ? el('a', {
                              text: str(name),
                              attrs: {
                                  href: '#/ns/' + encodeURIComponent(o.target),
                              },
                          })
                        : el('span', {
                              text: str(name),
                              class:
                                  nsiIds.includes(o.target) ||
                                  nsIds.includes(o.target)
                                      ? ''
                                      : 'gone',
                              attrs: {title: str(o.target)},
                          });
                const finished =
                    o.operationState !== 'PROCESSING' &&
                    o.operationState !== 'ROLLING_BACK';
                const took =
                    finished &&
                    typeof o.statusEnteredTime === 'number' &&
                    typeof o.startTime === 'number'
                        ? duration(o.statusEnteredTime - o.startTime)
                        : '-';
                return el(
                    'tr',
                    {
                        class: 'op',
                        data: {
                            id: str(o._id, ''),
                            state: str(o.operationState, ''),
                            kind: o.kind,
                            type: str(o.lcmOperationType, ''),
                            target: str(name, ''),
                        },
                    },
                    el('td', {class: 'time', text: when(o.startTime)}),
                    el('td', {class: 'kind', text: o.kind}),
                    el('td', {class: 'type', text: str(o.lcmOperationType)}),
                    el('td', {class: 'target'}, target),
                    el('td', {class: 'state'}, badge(o.operationState)),
                    el('td', {}, progress(o)),
                    el('td', {class: 'took', text: took}),
                    el('td', {
                        class: 'error-text',
                        text: o.errorMessage ? String(o.errorMessage) : '',
                    }),
                );
            });
            v.body.replaceChildren(
                table(
                    'ops',
                    [
                        'Started',
                        'Of',
                        'Operation',
                        'Target',
                        'State',
                        'Progress',
                        'Took',
                        'Error',
                    ],
                    rows,
                    'No operations.',
                ),
            );
        };
        return poll(gen, load, render, v.status);
    }

    /* ---- routing: #/slices, #/ns, #/ns/{id}, #/ns/{id}/chains, #/ops ---- */

    function route() {
        stopView();
        if ($('confirm').open) {
            $('confirm').close();
        }
        if (!token()) {
            showLogin('');
            return;
        }
        $('login').hidden = true;
        $('top').hidden = false;
        $('who').textContent = sessionStorage.getItem(USER_KEY) || '';
        const parts = location.hash
            .replace(/^#\/?/, '')
            .split('/')
            .map((p) => {
                try {
                    return decodeURIComponent(p);
                } catch (e) {
                    return p;
                }
            });
        if (parts[0] === 'ns' && parts[1] && parts[2] === 'chains') {
            viewChains(parts[1]);
        } else if (parts[0] === 'ns' && parts[1]) {
            viewTopology(parts[1]);
        } else if (parts[0] === 'ns') {
            viewNss();
        } else if (parts[0] === 'ops') {
            viewOps();
        } else {
            viewSlices();
        }
    }

    window.addEventListener('hashchange', () => {
        clearMessages();
        route();
    });
    $('login-form').addEventListener('submit', login);
    $('logout').addEventListener('click', logout);
    $('error-close').addEventListener('click', () => {
        $('error').hidden = true;
    });
    route();
})();
