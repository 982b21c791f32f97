/**
 * Implementation of chain-http: the hop pipeline, the door adapters, binding, forwarding. Not API:
 * anything here may change in any release, and it is excluded from the published Javadoc.
 */
package io.chainmesh.http.internal;
