/**
 * Implementation details of chain-core. Not API: anything here may change in any release, and it is
 * excluded from the published Javadoc.
 */
package io.chainmesh.core.internal;
