// Requests Node's HTTP parser refuses before Fastify sees them (a URL or headers too large, a
// malformed request line, a request that never finished arriving) still get Shoal's error body:
// problem+json, or OpenAI's shape when the request line names an OpenAI-compatible route.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
function _export(target, all) {
    for(var name in all)Object.defineProperty(target, name, {
        enumerable: true,
        get: Object.getOwnPropertyDescriptor(all, name).get
    });
}
_export(exports, {
    get clientErrorToApiError () {
        return clientErrorToApiError;
    },
    get handleClientError () {
        return handleClientError;
    }
});
const _nodehttp = require("node:http");
const _apierror = require("../errors/api-error");
const _errorbodies = require("../errors/error-bodies");
const _errorstyle = require("../errors/error-style");
const _limits = require("./limits");
function clientErrorToApiError(err, requestLine) {
    switch(err.code){
        case 'HPE_HEADER_OVERFLOW':
            // the parser counts the request line with the headers: a long (or unfinished) line is a long URL
            return requestLine === undefined || requestLine.length > _limits.MAX_URL_LENGTH ? new _apierror.ApiError('uri_too_long', 'The URL is too long', {
                issues: [
                    {
                        path: 'url',
                        message: 'is too long'
                    }
                ]
            }) : new _apierror.ApiError('headers_too_large', 'The request headers are too large', {
                issues: [
                    {
                        path: 'headers',
                        message: 'are too large'
                    }
                ]
            });
        case 'ERR_HTTP_REQUEST_TIMEOUT':
            return new _apierror.ApiError('request_timeout', 'The request was not received in time');
        default:
            return new _apierror.ApiError('malformed_request', 'The request is not a well-formed HTTP/1.1 request');
    }
}
function handleClientError(err, socket) {
    if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || !socket.writable) {
        socket.destroy();
        return;
    }
    const raw = err.rawPacket?.toString('latin1') ?? '';
    const lineEnd = raw.indexOf('\r\n');
    const requestLine = lineEnd >= 0 ? raw.slice(0, lineEnd) : undefined;
    const api = clientErrorToApiError(err, requestLine);
    const target = (requestLine ?? raw).split(' ')[1] ?? '/';
    const path = target.split('?')[0].slice(0, 200);
    const openai = (0, _errorstyle.errorStyleFor)(path) === 'openai';
    const body = JSON.stringify(openai ? (0, _errorbodies.openAiBody)(api) : (0, _errorbodies.problemBody)(api, path));
    const head = [
        `HTTP/1.1 ${api.status} ${_nodehttp.STATUS_CODES[api.status] ?? 'Error'}`,
        `Content-Type: ${openai ? _errorbodies.OPENAI_CONTENT_TYPE : _errorbodies.PROBLEM_CONTENT_TYPE}`,
        `Content-Length: ${Buffer.byteLength(body)}`,
        'Connection: close'
    ];
    socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}

//# sourceMappingURL=client-error.handler.js.map