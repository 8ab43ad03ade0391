// `npm run new:service -- <name> [--no-storage] [--no-public-route]` (turbo/generators/new-service.mjs runs this
// generator with @turbo/gen, the engine of `turbo gen`): a gRPC service in the platform's shape, and the new service
// in every place that lists services. New files come from the Handlebars templates under templates/; the edits of
// existing files (packages/service-generator) insert the service where each file's structure says, without markers
// in YAML. Non-interactive: `turbo gen service --args <name> <storage: true|false> <public route: true|false>`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type NewService, newServiceNameProblem, planNewService, serviceEdits } from '@platform/service-generator';
import type { PlopTypes } from '@turbo/gen';

/** @turbo/gen's addMany takes options its published types leave out. */
const addMany = (config: Record<string, unknown>) => config as unknown as PlopTypes.ActionType;

export default function generator(plop: PlopTypes.NodePlopAPI): void {
  const root = plop.getDestBasePath();
  const templates = join(root, 'turbo/generators/templates');
  const render = (template: string, service: NewService) => plop.renderString(template, service);
  const renderFile = (path: string, service: NewService) =>
    render(readFileSync(join(templates, path), 'utf8'), service);

  plop.setGenerator('service', {
    description: 'A new gRPC service, wired into npm start, compose, Kubernetes, Istio and the gateway',
    prompts: [
      {
        type: 'input',
        name: 'name',
        message: 'Name of the service (kebab-case, e.g. gift-cards)?',
        validate: (name: string) => newServiceNameProblem(name, root) ?? true,
      },
      { type: 'confirm', name: 'storage', message: 'A PostgreSQL database of its own?', default: true },
      { type: 'confirm', name: 'publicRoute', message: 'GET /api/<name> through the gateway?', default: true },
    ],
    actions: (answers) => {
      const service = planNewService({
        name: String(answers?.name),
        storage: answers?.storage !== false,
        publicRoute: answers?.publicRoute !== false,
      });
      const data = service as unknown as Record<string, unknown>;
      const skipped = service.storage ? [] : ['!src/items.repository.ts.hbs', '!src/migrations.ts.hbs'];
      const actions: PlopTypes.ActionType[] = [
        addMany({
          type: 'addMany',
          destination: '{{ turbo.paths.root }}/services/{{ name }}',
          base: 'templates/service',
          templateFiles: ['templates/service/**/*.hbs', ...skipped.map((p) => p.replace('!', '!templates/service/'))],
          stripExtensions: ['hbs'],
          globOptions: { dot: true },
          data,
        }),
        {
          type: 'add',
          path: `{{ turbo.paths.root }}/packages/contracts/proto/${service.protoFile}`,
          templateFile: 'templates/proto/service.proto.hbs',
          data,
        },
        addMany({
          type: 'addMany',
          destination: '{{ turbo.paths.root }}/k8s/base/{{ name }}',
          base: 'templates/kubernetes',
          templateFiles: ['templates/kubernetes/*.hbs', '!templates/kubernetes/network-policy.yaml.hbs'],
          stripExtensions: ['hbs'],
          globOptions: {},
          data,
        }),
        {
          type: 'add',
          path: '{{ turbo.paths.root }}/k8s/base/network-policies/{{ name }}.yaml',
          templateFile: 'templates/kubernetes/network-policy.yaml.hbs',
          data,
        },
      ];
      if (service.publicRoute) {
        actions.push(
          {
            type: 'add',
            path: '{{ turbo.paths.root }}/services/gateway/src/{{ name }}.routes.ts',
            templateFile: 'templates/gateway/routes.ts.hbs',
            data,
          },
          {
            type: 'add',
            path: '{{ turbo.paths.root }}/e2e/test/{{ name }}.contract.test.ts',
            templateFile: 'templates/e2e/contract.test.ts.hbs',
            data,
          },
        );
      }
      for (const edit of serviceEdits) {
        if (edit.when && !edit.when(service)) continue;
        actions.push(() => {
          const path = join(root, edit.file);
          const text = readFileSync(path, 'utf8');
          writeFileSync(
            path,
            edit.apply(text, service, (name) => renderFile(`snippets/${name}.hbs`, service)),
          );
          return `${edit.file}: ${edit.adds}`;
        });
      }
      return actions;
    },
  });
}
