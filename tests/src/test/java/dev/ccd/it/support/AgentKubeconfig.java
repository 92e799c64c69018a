package dev.ccd.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A kubeconfig that points a {@code ccd agent} process at a mock API server. */
public final class AgentKubeconfig {
  private AgentKubeconfig() {}

  public static Path write(Path file, String url) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.writeString(
        file,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n  cluster: {server: '"
            + url
            + "'}\ncontexts:\n- name: mock\n  context: {cluster: mock, user: none}\n"
            + "current-context: mock\nusers:\n- name: none\n  user: {}\n");
  }
}
