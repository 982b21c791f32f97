/**
 * The one command-line parser of chainmesh's programs (chain-cli and the standalone edge). Not API:
 * anything here may change in any release, and it is excluded from the published Javadoc.
 */
package io.chainmesh.core.internal.commandline;
