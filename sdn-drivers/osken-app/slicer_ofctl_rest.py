# slicer_ofctl_rest: an os-ken application serving the subset of Ryu's
# ofctl_rest REST API that slicer's Ryu-style SDN driver and its tests use,
# for OpenFlow 1.3 switches.  Debian 12's python3-os-ken (2.5.0) ships
# osken-manager and the converters (os_ken/lib/ofctl_v1_3.py) but neither
# os_ken/app/ofctl_rest.py nor os_ken/app/wsgi.py, so this file stands in
# for both: requests are converted with os-ken's own ofctl_v1_3, exactly as
# Ryu does, and served with os_ken.lib.hub.WSGIServer (eventlet) and webob.
# Its neighbours: sdn-sfc-ovs.md section 2.5 (the API), testbed.md section
# 8 (how it is run) and tests/sdn-drivers/test-osken-app.sh (its test).
#
# Run:
#   SLICER_OFCTL_LISTEN=127.0.0.1:8080 osken-manager \
#       --ofp-listen-host 127.0.0.1 --ofp-tcp-listen-port 6653 \
#       sdn-drivers/osken-app/slicer_ofctl_rest.py
# SLICER_OFCTL_LISTEN is "host:port" or "[v6addr]:port", default
# 127.0.0.1:8080.  A bad value or a port in use stops osken-manager at
# startup.
#
# Routes (dpid in a path: decimal, or hexadecimal with 0x, as Ryu):
#   GET    /stats/switches              [dpid, ...] (decimal integers)
#   GET    /stats/flow/<dpid>           {"<dpid>": [flow stats]}
#   POST   /stats/flow/<dpid>           same, body = filter ({"cookie",
#                                       "cookie_mask", "table_id",
#                                       "out_port", "match", ...})
#   GET    /stats/portdesc/<dpid>       {"<dpid>": [{"port_no", "name",
#                                       "hw_addr", ...}]}
#   GET    /stats/groupdesc/<dpid>      {"<dpid>": [{"group_id", "type",
#                                       "buckets": [{"weight",
#                                       "watch_port", "watch_group",
#                                       "actions": ["OUTPUT:2", ...]}]}]}
#   POST   /stats/flowentry/<command>   command = add, modify,
#                                       modify_strict, delete or
#                                       delete_strict; body = {"dpid",
#                                       "cookie", "cookie_mask",
#                                       "table_id", "priority", "match",
#                                       "actions", ...} -> 200, empty body
#   DELETE /stats/flowentry/clear/<dpid>  every flow of every table -> 200
#   POST   /stats/groupentry/<command>  command = add, modify or delete;
#                                       body = {"dpid", "group_id", "type"
#                                       (ALL, SELECT, INDIRECT or FF;
#                                       default ALL), "buckets":
#                                       [{"weight", "watch_port",
#                                       "watch_group", "actions": [...]}]}
#                                       -> 200, empty body
# The entries of the lists are what ofctl_v1_3.get_flow_stats,
# get_port_desc and get_group_desc return; bucket actions are those of a
# flowentry.  As in Ryu, a flowentry body without "table_id" means table
# 0, also for delete: deleting in every table needs "table_id": "ALL" (or
# 255).  A groupentry delete of a group the switch lacks is no error
# (OpenFlow 1.3), one of group_id "ALL" deletes every group.
#
# Where it differs from Ryu's ofctl_rest:
# - After a flow mod or a group mod it sends a barrier request and waits
#   for the reply (BARRIER_TIMEOUT).  If the switch sent an OFPErrorMsg for
#   the mod the answer is 400 {"error": "switch <dpid>: flow mod refused:
#   OFPET_BAD_ACTION(2) OFPBAC_BAD_OUT_GROUP(9)"} ("group mod refused: ..."
#   for a group); Ryu answers 200 whatever the switch says.
# - Every error has a JSON body {"error": "..."} naming the object and the
#   bad value: 400 bad JSON, body not an object, bad or missing dpid, a
#   field ofctl_v1_3 cannot convert (ofctl only logs an unknown match field,
#   action type or group type and drops it, which would widen a match; here
#   it is a 400), a flow or group mod the switch refused; 404 unknown path,
#   unknown flowentry or groupentry command, switch not connected; 405
#   known path, other method;
#   503 the switch disconnected during the request; 504 no barrier reply in
#   time, or no complete stats reply within ofctl's own timeout
#   (ofctl_utils.DEFAULT_TIMEOUT, 1 s per reply part; Ryu then silently
#   returns what it has).  Ryu's bodies are empty and it reads bodies with
#   ast.literal_eval (Python literals); here bodies are JSON only.
#
# VLAN ids, checked against the installed os_ken/lib/ofctl_utils.py:
# - Match "dl_vlan" or "vlan_vid": ofctl_utils.to_match_vid ORs
#   OFPVID_PRESENT (0x1000) into a decimal value (an int, or a string of
#   digits), so {"dl_vlan": 100} matches frames tagged with VLAN 100.  A
#   hexadecimal string is taken as the raw OXM value: "0x1064" is VLAN 100,
#   "0x0000" untagged, "0x1000/0x1000" any tag.  Flow stats give the tag
#   back as a decimal string ("100") without the bit.
# - Action {"type": "SET_FIELD", "field": "vlan_vid", "value": V}:
#   ofctl_utils.to_action passes V unchanged to OFPActionSetField, with no
#   OFPVID_PRESENT, so the caller must send 4096 | vid (4197 for VLAN 101).
#   Open vSwitch shows it as set_field:4197->vlan_vid.  Given 101, Open
#   vSwitch 3.1 refuses the flow mod ("Invalid value for set field
#   vlan_vid: 101", OFPBAC_BAD_SET_ARGUMENT): a 400 here, a 200 and no flow
#   with Ryu.
#
# Switches come and go through EventOFPStateChange.  A switch that
# reconnects while its old connection is still open replaces it (the old
# one is closed, as os-ken's dpset does), and requests waiting on the old
# connection end with 503.

import json
import logging
import os
import re
import struct

import greenlet
from webob import Request
from webob import Response

from os_ken.base import app_manager
from os_ken.controller import ofp_event
from os_ken.controller.handler import DEAD_DISPATCHER
from os_ken.controller.handler import MAIN_DISPATCHER
from os_ken.controller.handler import set_ev_cls
from os_ken.lib import hub
from os_ken.lib import ofctl_v1_3
from os_ken.ofproto import ofproto_v1_3


LISTEN_ENV = 'SLICER_OFCTL_LISTEN'
LISTEN_DEFAULT = '127.0.0.1:8080'

# Seconds to wait for the barrier reply that follows a flow mod.
BARRIER_TIMEOUT = 5.0

FLOW_COMMANDS = {
    'add': ofproto_v1_3.OFPFC_ADD,
    'modify': ofproto_v1_3.OFPFC_MODIFY,
    'modify_strict': ofproto_v1_3.OFPFC_MODIFY_STRICT,
    'delete': ofproto_v1_3.OFPFC_DELETE,
    'delete_strict': ofproto_v1_3.OFPFC_DELETE_STRICT,
}

GROUP_COMMANDS = {
    'add': ofproto_v1_3.OFPGC_ADD,
    'modify': ofproto_v1_3.OFPGC_MODIFY,
    'delete': ofproto_v1_3.OFPGC_DELETE,
}

# What ofctl_v1_3 raises on input it cannot convert or encode (a string
# where a number belongs, tp_src without nw_proto, a value out of range).
CONVERSION_ERRORS = (ValueError, TypeError, KeyError, AttributeError,
                     IndexError, OverflowError, struct.error)

# The loggers of ofctl_v1_3 and ofctl_utils are children of this one.
OFCTL_LOGGER = 'os_ken.lib'


class HttpError(Exception):
    """A request that ends with status and {"error": message}."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def parse_listen(text):
    """"host:port" or "[v6addr]:port" -> (host, port); ValueError naming
    the bad value."""
    m = re.fullmatch(r'\[([0-9A-Fa-f:.]+)\]:(\d+)|([^:\[\]]+):(\d+)', text)
    if m is None:
        raise ValueError('%s: "%s" is not host:port' % (LISTEN_ENV, text))
    host = m.group(1) or m.group(3)
    port = int(m.group(2) or m.group(4))
    if not 0 < port < 65536:
        raise ValueError('%s: port %d out of range' % (LISTEN_ENV, port))
    return host, port


def parse_dpid(value, where):
    """A dpid from a path or a body: an integer, or a string in decimal
    or 0x hexadecimal.  Raises HttpError 400 naming where it came from."""
    if isinstance(value, int) and not isinstance(value, bool):
        dpid = value
    elif isinstance(value, str):
        try:
            dpid = int(value, 0)
        except ValueError:
            dpid = -1
    else:
        dpid = -1
    if not 0 <= dpid < 1 << 64:
        raise HttpError(400, '%s: bad dpid %s' % (where, json.dumps(value)))
    return dpid


def json_body(req, required):
    """The request body as a JSON object; {} for an empty body unless
    required.  Raises HttpError 400 naming the problem."""
    if not req.body:
        if required:
            raise HttpError(400, '%s %s: a JSON object body is required'
                            % (req.method, req.path))
        return {}
    try:
        body = json.loads(req.body.decode('utf-8'))
    except UnicodeDecodeError as e:
        raise HttpError(400, '%s %s: body is not UTF-8: %s'
                        % (req.method, req.path, e))
    except ValueError as e:
        raise HttpError(400, '%s %s: bad JSON body: %s'
                        % (req.method, req.path, e))
    if not isinstance(body, dict):
        raise HttpError(400, '%s %s: body must be a JSON object, not %s'
                        % (req.method, req.path, type(body).__name__))
    return body


def json_response(status, value):
    """A JSON response; an empty body for None (as Ryu answers a flow mod)."""
    body = b'' if value is None else json.dumps(value).encode('utf-8')
    return Response(status=status, content_type='application/json',
                    charset='utf-8', body=body)


class ConversionLog(logging.Handler):
    """Collects what ofctl logs at WARNING or above while the current
    greenthread converts a request.  ofctl_v1_3 reports an unknown match
    field or action type only in its log and drops it; other greenthreads
    may log meanwhile, hence the filter on the greenlet."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.owner = greenlet.getcurrent()
        self.messages = []

    def emit(self, record):
        if greenlet.getcurrent() is self.owner:
            self.messages.append(record.getMessage())

    def __enter__(self):
        logging.getLogger(OFCTL_LOGGER).addHandler(self)
        return self

    def __exit__(self, *exc):
        logging.getLogger(OFCTL_LOGGER).removeHandler(self)
        return False


class CapturingDatapath(object):
    """Stands for a datapath while ofctl_v1_3.mod_flow_entry or
    mod_group_entry builds its message: the message is kept, not sent, so
    that the caller learns its xid and can check the conversion before
    anything reaches the switch.  Everything else is the real datapath's
    (set_xid numbers the message)."""

    def __init__(self, dp):
        self._dp = dp
        self.sent = []

    def __getattr__(self, name):
        return getattr(self._dp, name)

    def send_msg(self, msg, close_socket=False):
        self.sent.append(msg)
        return True


class StatsCall(object):
    """The waiters argument of one ofctl_v1_3 stats call.  ofctl files its
    (event, replies) pair under waiters[dpid][xid] and removes it on a
    timeout; this object files it in the app's table, keyed by (dpid, xid)
    with the datapath it was sent on, and remembers it so that the caller
    can tell a complete answer from a timeout."""

    def __init__(self, table, dp):
        self._table = table
        self._dp = dp
        self._keys = []
        self._entries = []

    def setdefault(self, dpid, default=None):
        return self

    def __setitem__(self, xid, entry):
        self._table[(self._dp.id, xid)] = (self._dp, entry)
        self._keys.append((self._dp.id, xid))
        self._entries.append(entry)

    def __delitem__(self, xid):
        self._table.pop((self._dp.id, xid), None)

    def complete(self):
        return bool(self._entries) and all(
            lock.is_set() for lock, _ in self._entries)

    def release(self):
        for key in self._keys:
            self._table.pop(key, None)


class ModWait(object):
    """One flow or group mod in flight: the errors the switch sent for it
    and the event set by the barrier reply that follows it (or by a
    disconnect)."""

    def __init__(self, dp):
        self.dp = dp
        self.errors = []
        self.done = hub.Event()


def error_text(msg):
    """'OFPET_BAD_ACTION(2) OFPBAC_BAD_OUT_GROUP(9)' for an OFPErrorMsg."""
    ofp = msg.datapath.ofproto
    if msg.type == ofp.OFPET_EXPERIMENTER:
        return '%s experimenter 0x%08x exp_type %d' % (
            ofp.ofp_error_type_to_str(msg.type), msg.experimenter,
            msg.exp_type)
    return '%s %s' % (ofp.ofp_error_type_to_str(msg.type),
                      ofp.ofp_error_code_to_str(msg.type, msg.code))


def converted(dp, what, convert, *args):
    """Returns convert(*args), a call into ofctl_v1_3.  Raises HttpError
    400 "switch <dpid>: <what>: ..." with what ofctl logged (an unknown
    field, a value it could not convert) and the exception it raised, if
    any of either."""
    problems = []
    result = None
    with ConversionLog() as log:
        try:
            result = convert(*args)
        except CONVERSION_ERRORS as e:
            problems.append('%s: %s' % (type(e).__name__, e))
    problems[:0] = log.messages
    if problems:
        raise HttpError(400, 'switch %d: %s: %s'
                        % (dp.id, what, '; '.join(problems)))
    return result


class SlicerOfctlRest(app_manager.OSKenApp):
    OFP_VERSIONS = [ofproto_v1_3.OFP_VERSION]

    # {method, path, handler}; a path that matches with another method is
    # a 405, no match at all a 404 (see _dispatch).
    ROUTES = (
        ('GET', r'/stats/switches', '_get_switches'),
        ('GET', r'/stats/flow/(?P<dpid>[^/]+)', '_get_flows'),
        ('POST', r'/stats/flow/(?P<dpid>[^/]+)', '_get_flows'),
        ('GET', r'/stats/portdesc/(?P<dpid>[^/]+)', '_get_port_desc'),
        ('GET', r'/stats/groupdesc/(?P<dpid>[^/]+)', '_get_group_desc'),
        ('POST', r'/stats/flowentry/(?P<command>[^/]+)', '_mod_flows'),
        ('DELETE', r'/stats/flowentry/clear/(?P<dpid>[^/]+)',
         '_clear_flows'),
        ('POST', r'/stats/groupentry/(?P<command>[^/]+)', '_mod_groups'),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.switches = {}       # dpid -> connected Datapath
        self._stats = {}         # (dpid, xid) -> (Datapath, (event, msgs))
        self._mods = {}          # (dpid, xid) -> ModWait
        self._routes = [(method, re.compile(path), getattr(self, name))
                        for method, path, name in self.ROUTES]
        # Bind now, so that a bad address or a port in use stops
        # osken-manager at startup instead of dying in a greenthread.
        text = os.environ.get(LISTEN_ENV, LISTEN_DEFAULT)
        self._listen = parse_listen(text)
        self._server = hub.WSGIServer(self._listen, self._wsgi)
        self._server_thread = None

    def start(self):
        super().start()
        self._server_thread = hub.spawn(self._server.serve_forever)
        self.threads.append(self._server_thread)
        self.logger.info('ofctl REST API on http://%s:%d/',
                         self._listen[0], self._listen[1])

    def stop(self):
        if self._server_thread is not None:
            hub.kill(self._server_thread)
        super().stop()

    # --- switches

    @set_ev_cls(ofp_event.EventOFPStateChange,
                [MAIN_DISPATCHER, DEAD_DISPATCHER])
    def _state_change(self, ev):
        dp = ev.datapath
        if dp.id is None:
            return  # died before the features reply: never registered
        if ev.state == MAIN_DISPATCHER:
            old = self.switches.get(dp.id)
            self.switches[dp.id] = dp
            if old is not None and old is not dp:
                self.logger.warning(
                    'switch %d: new connection from %s replaces the one '
                    'from %s', dp.id, dp.address, old.address)
                self._release(old)
                old.close()
            else:
                self.logger.info('switch %d: connected from %s',
                                 dp.id, dp.address)
        elif ev.state == DEAD_DISPATCHER:
            if self.switches.get(dp.id) is dp:
                del self.switches[dp.id]
                self.logger.info('switch %d: disconnected', dp.id)
            self._release(dp)

    def _release(self, dp):
        """Wakes every request waiting on dp; each then finds the switch
        gone and answers 503."""
        for key, (owner, (lock, _)) in list(self._stats.items()):
            if owner is dp:
                del self._stats[key]
                lock.set()
        for key, wait in list(self._mods.items()):
            if wait.dp is dp:
                del self._mods[key]
                wait.done.set()

    def _switch(self, dpid):
        dp = self.switches.get(dpid)
        if dp is None:
            raise HttpError(404, 'switch %d is not connected' % dpid)
        return dp

    def _check_connected(self, dp):
        if self.switches.get(dp.id) is not dp:
            raise HttpError(503, 'switch %d: disconnected during the request'
                            % dp.id)

    # --- replies from the switches

    @set_ev_cls([ofp_event.EventOFPFlowStatsReply,
                 ofp_event.EventOFPPortDescStatsReply,
                 ofp_event.EventOFPGroupDescStatsReply], MAIN_DISPATCHER)
    def _stats_reply(self, ev):
        msg = ev.msg
        dp = msg.datapath
        found = self._stats.get((dp.id, msg.xid))
        if found is None or found[0] is not dp:
            return  # its request timed out
        lock, msgs = found[1]
        msgs.append(msg)
        if msg.flags & dp.ofproto.OFPMPF_REPLY_MORE:
            return
        del self._stats[(dp.id, msg.xid)]
        lock.set()

    @set_ev_cls(ofp_event.EventOFPErrorMsg, MAIN_DISPATCHER)
    def _error(self, ev):
        msg = ev.msg
        dp = msg.datapath
        text = error_text(msg)
        wait = self._mods.get((dp.id, msg.xid))
        if wait is None or wait.dp is not dp:
            self.logger.warning('switch %d: error for xid 0x%x that no '
                                'request waits for: %s', dp.id, msg.xid, text)
            return
        wait.errors.append(text)

    @set_ev_cls(ofp_event.EventOFPBarrierReply, MAIN_DISPATCHER)
    def _barrier_reply(self, ev):
        msg = ev.msg
        dp = msg.datapath
        wait = self._mods.get((dp.id, msg.xid))
        if wait is not None and wait.dp is dp:
            wait.done.set()

    # --- requests to the switches

    def _stats_request(self, dp, fetch, *args):
        """Runs the ofctl_v1_3 stats function fetch(dp, waiters, *args)
        and returns its result; HttpError on bad input, a disconnect or a
        timeout."""
        call = StatsCall(self._stats, dp)
        try:
            result = converted(dp, 'bad request', fetch, dp, call, *args)
        finally:
            call.release()
        self._check_connected(dp)
        if not call.complete():
            raise HttpError(504, 'switch %d: no complete stats reply in time'
                            % dp.id)
        return result

    def _mod(self, dp, what, mod_entry, entry, command):
        """Converts entry with ofctl_v1_3's mod_entry (mod_flow_entry or
        mod_group_entry), sends it and a barrier, and waits for the barrier
        reply.  HttpError 400 if the conversion failed or the switch
        refused the mod; what ("flow", "group") names it."""
        capture = CapturingDatapath(dp)

        def build():
            mod_entry(capture, entry, command)
            # Encode now: a value of the wrong type fails here, before
            # anything is sent.
            capture.sent[0].serialize()

        converted(dp, 'bad %s entry' % what, build)
        mod = capture.sent[0]
        barrier = dp.ofproto_parser.OFPBarrierRequest(dp)
        dp.set_xid(barrier)
        wait = ModWait(dp)
        keys = [(dp.id, mod.xid), (dp.id, barrier.xid)]
        for key in keys:
            self._mods[key] = wait
        try:
            sent = dp.send_msg(mod) and dp.send_msg(barrier)
            if sent and not wait.done.wait(timeout=BARRIER_TIMEOUT):
                raise HttpError(504, 'switch %d: no barrier reply in %g s'
                                % (dp.id, BARRIER_TIMEOUT))
        finally:
            for key in keys:
                self._mods.pop(key, None)
        self._check_connected(dp)
        if not sent:
            raise HttpError(503, 'switch %d: connection closing' % dp.id)
        if wait.errors:
            self.logger.info('switch %d: %s mod refused: %s', dp.id, what,
                             '; '.join(wait.errors))
            raise HttpError(400, 'switch %d: %s mod refused: %s'
                            % (dp.id, what, '; '.join(wait.errors)))

    # --- REST handlers: each returns (status, JSON value or None)

    def _get_switches(self, req):
        return 200, sorted(self.switches)

    def _get_flows(self, req, dpid):
        dp = self._switch(parse_dpid(dpid, req.path))
        flow = json_body(req, required=False)
        return 200, self._stats_request(dp, ofctl_v1_3.get_flow_stats, flow)

    def _get_port_desc(self, req, dpid):
        dp = self._switch(parse_dpid(dpid, req.path))
        return 200, self._stats_request(dp, ofctl_v1_3.get_port_desc)

    def _get_group_desc(self, req, dpid):
        dp = self._switch(parse_dpid(dpid, req.path))
        return 200, self._stats_request(dp, ofctl_v1_3.get_group_desc)

    def _entry_switch(self, req, commands, kind, command):
        """The body and the switch of a flowentry or groupentry request;
        HttpError 404 for an unknown command or switch, 400 for a bad
        body."""
        if command not in commands:
            raise HttpError(404, 'unknown %s command "%s" (one of %s)'
                            % (kind, command, ', '.join(commands)))
        entry = json_body(req, required=True)
        if 'dpid' not in entry:
            raise HttpError(400, '%s: "dpid" is missing' % req.path)
        dp = self._switch(parse_dpid(entry['dpid'], req.path + ': "dpid"'))
        return entry, dp

    def _mod_flows(self, req, command):
        flow, dp = self._entry_switch(req, FLOW_COMMANDS, 'flowentry',
                                      command)
        self._mod(dp, 'flow', ofctl_v1_3.mod_flow_entry, flow,
                  FLOW_COMMANDS[command])
        return 200, None

    def _clear_flows(self, req, dpid):
        dp = self._switch(parse_dpid(dpid, req.path))
        self._mod(dp, 'flow', ofctl_v1_3.mod_flow_entry,
                  {'table_id': dp.ofproto.OFPTT_ALL},
                  dp.ofproto.OFPFC_DELETE)
        return 200, None

    def _mod_groups(self, req, command):
        group, dp = self._entry_switch(req, GROUP_COMMANDS, 'groupentry',
                                       command)
        self._mod(dp, 'group', ofctl_v1_3.mod_group_entry, group,
                  GROUP_COMMANDS[command])
        return 200, None

    # --- WSGI

    def _dispatch(self, req):
        allowed = []
        for method, path, handler in self._routes:
            m = path.fullmatch(req.path_info)
            if m is None:
                continue
            if method == req.method:
                return handler(req, **m.groupdict())
            allowed.append(method)
        if allowed:
            raise HttpError(405, '%s %s: method not allowed (allowed: %s)'
                            % (req.method, req.path_info,
                               ', '.join(allowed)))
        raise HttpError(404, '%s: no such resource' % req.path_info)

    def _wsgi(self, environ, start_response):
        req = Request(environ)
        try:
            status, value = self._dispatch(req)
            resp = json_response(status, value)
        except HttpError as e:
            resp = json_response(e.status, {'error': e.message})
            if e.status == 405:
                resp.allow = sorted({m for m, p, _ in self._routes
                                     if p.fullmatch(req.path_info)})
        except Exception:
            # A bug here, not bad input: log it and keep serving.
            self.logger.exception('%s %s: unexpected failure', req.method,
                                  req.path_info)
            resp = json_response(500, {'error': '%s %s: internal error, see '
                                       'the osken-manager log'
                                       % (req.method, req.path_info)})
        return resp(environ, start_response)
