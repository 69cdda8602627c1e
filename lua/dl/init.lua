-- dl: what early Torch left to third-party packages: datasets and loaders, scalers,
-- a training loop with a progress bar, metrics and a model summary.
require 'torch'

local dl = {}
_G.dl = dl
package.loaded.dl = dl

require 'dl.data'
require 'dl.progress'
require 'dl.train'
require 'dl.schedule'
require 'dl.ema'
require 'dl.summary'
require 'dl.datasets'
require 'dl.augment'
require 'dl.clip'
require 'dl.decay'
require 'dl.profile'
require 'dl.tensorboard'
require 'dl.plot'
require 'dl.report'
require 'dl.monitor'
require 'dl.quantize'
require 'dl.prune'

return dl
