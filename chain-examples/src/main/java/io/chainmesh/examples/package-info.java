/** The runnable demo behind the README's first command, and examples to copy. */
package io.chainmesh.examples;
